# Convex: the app (default command) and the refresh worker (`convex worker`) from one image.
# Build: docker build -t convex .   Run with compose.yaml for replicas sharing PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CONVEX_DATA_DIR=/data

WORKDIR /app
# Dependencies first: a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 convex \
    && mkdir -p /data /app/static \
    && chown convex:convex /data /app/static

USER convex
EXPOSE 8501
# Streamlit's own health endpoint answers "ok" once the server is up (python: the slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4); sys.exit(0 if r.read() == b'ok' else 1)"]
# serve.py: the app and its read-only JSON API (/api/v1) from one process.
CMD ["streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
