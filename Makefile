# Start the app on http://localhost:8501 (installs the runtime requirements first).
run:
	pip install -q -r requirements.txt && python -m streamlit run app.py

# Install test requirements and Chromium if missing, then run every test, browser tests included.
test:
	bash scripts/test.sh

# Lint and check formatting.
lint:
	ruff check . && ruff format --check .

# Map path against plain folium, time-to-map in headless Chromium, and 20 users for 2 minutes.
bench:
	python benchmarks/map_scale.py && python benchmarks/page_load.py && \
	python benchmarks/load_test.py --mode websocket --users 20 --seconds 120

.PHONY: run test lint bench
