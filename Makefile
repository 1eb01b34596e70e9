# Start the app on http://localhost:8501 (installs the runtime requirements first).
run:
	pip install -q -r requirements.txt && python -m streamlit run app.py

# Install test requirements and Chromium if missing, then run every test, browser tests included.
test:
	bash scripts/test.sh

# Lint and check formatting.
lint:
	ruff check . && ruff format --check .

# Map-path benchmark against plain folium, and time-to-map in headless Chromium.
bench:
	python benchmarks/map_scale.py && python benchmarks/page_load.py

.PHONY: run test lint bench
