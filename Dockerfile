# syntax=docker/dockerfile:1
# One image for every Tollgate process; compose.yaml and deploy/k8s choose the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TOLLGATE_DATA_DIR=/data
WORKDIR /app

# The dependencies first: this layer is rebuilt only when pyproject.toml changes, not on every
# code change. They are the exact pins of pyproject.toml's [project] dependencies.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code runs from /app (PYTHONPATH), as in a checkout: templates/ and static/ sit beside it.
COPY manage.py README.md ./
COPY core core
COPY publisher publisher
COPY devportal devportal
COPY proxy proxy
COPY demo_upstream demo_upstream
COPY templates templates
COPY static static

# An unprivileged user; /data (SQLite in the embedded mode, beat's schedule, the proxy's usage
# spool) is its only writable place, volumes in compose and emptyDirs in Kubernetes. The spool
# directory exists in the image so a fresh named volume mounted there is the user's.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app tollgate \
    && mkdir -p /data/usage-spool && chown tollgate /data /data/usage-spool
USER 10001

EXPOSE 8000 8080
# The web tier; the proxy is `python -m proxy --host 0.0.0.0 --port 8080`, the worker
# `python manage.py worker --without-beat`, beat `python manage.py beat`.
# Behind a TLS proxy, Django reads the scheme (SECURE_PROXY_SSL_HEADER) and the client address
# (TRUSTED_PROXY_COUNT) itself, so uvicorn's own forwarded-header handling stays off.
CMD ["uvicorn", "core.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-proxy-headers"]
