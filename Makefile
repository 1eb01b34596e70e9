# Start the app on http://127.0.0.1:8501, this machine only (installs the runtime requirements first).
run:
	pip install -q -r requirements.txt && bash scripts/serve.sh

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

# Offline bundle for an air-gapped machine: dist/patrolmap-bundle.tar.gz (app + wheels of requirements.txt).
bundle:
	bash scripts/bundle.sh

# 3 replicas behind HAProxy (Debian's haproxy) on http://127.0.0.1:8500; REPLICAS=N for another count.
replicas:
	bash scripts/replicas.sh $(or $(REPLICAS),3)

.PHONY: run test lint bench bundle replicas
