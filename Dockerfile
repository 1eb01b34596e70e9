# Patrol Map from the offline bundle: build it first (make bundle), then
#   docker build -t patrolmap .
#   docker run --rm -p 127.0.0.1:8501:8501 patrolmap
# The image installs only the bundle's wheels (no package index at build or run time) and starts
# with the same command CI tests, scripts/serve.sh. Its Python must be the bundle's (BUNDLE.txt).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATROLMAP_ADDRESS=0.0.0.0 \
    PATROLMAP_PORT=8501

# A numeric uid, so Kubernetes' runAsNonRoot can check it.
RUN groupadd --gid 10001 patrolmap && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin patrolmap

WORKDIR /app
COPY dist/patrolmap-bundle/ /app/
# The wheels are installed, then removed in the same layer, so the image does not carry them twice.
RUN python -m pip install --no-cache-dir --no-index --find-links /app/wheels -r /app/requirements.txt \
    && rm -rf /app/wheels

USER 10001:10001
EXPOSE 8501

# Streamlit's own health endpoint answers "ok" once the server is up; python is the only client in a slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

# No file watcher in a container: the code does not change there.
CMD ["bash", "scripts/serve.sh", "--server.fileWatcherType", "none"]
