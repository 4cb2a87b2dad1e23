# leadbot: `docker build -t leadbot .`, or `docker compose up -d` (compose.yaml, README: "Running
# it for real"). The image holds no settings and no secrets: give them as environment variables.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: leadbot and its dependencies into a virtual environment ------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /src
# Only what the package is built from (.dockerignore keeps the rest out of the context).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY storage ./storage
# Every dependency ships wheels for this platform (psycopg[binary], lxml): no compiler needed.
# (pip compiles the modules as it installs them: the bot starts without writing .pyc files.)
RUN /opt/venv/bin/pip install --no-cache-dir .

# --- run: the virtual environment alone, as an unprivileged user --------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LEADBOT_DATABASE_URL=sqlite:////data/leadbot.db
RUN groupadd --system --gid 10001 leadbot \
    && useradd --system --no-log-init --uid 10001 --gid leadbot --home-dir /app --no-create-home --shell /usr/sbin/nologin leadbot \
    && mkdir -p /app /data \
    && chown leadbot:leadbot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The SQLite database (and its -wal, -shm and .lock files) when LEADBOT_DATABASE_URL is left alone.
VOLUME ["/data"]
USER 10001:10001
# Webhook mode only (`run --webhook`): LEADBOT_WEBHOOK_PORT, and GET /healthz on it.
EXPOSE 8443
# `leadbot run` finishes the update in hand and exits within 10 s of SIGTERM.
STOPSIGNAL SIGTERM
ENTRYPOINT ["leadbot"]
CMD ["run"]
