# The production image: web (gunicorn), worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=shequyun.settings.production \
    LOG_FORMAT=json
WORKDIR /app
# pg_dump / pg_restore for manage.py backup and restore (Debian 12 ships PostgreSQL 15's client, matching the server).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
# Static files are collected by the same script CI runs before its production smoke test (scripts/build-static).
RUN scripts/build-static \
 && useradd --system --home /app shequyun && mkdir -p /app/var && chown -R shequyun /app/var
USER shequyun
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Workers, threads, timeouts and the proxy settings: gunicorn.conf.py (WEB_CONCURRENCY, WEB_THREADS).
CMD ["gunicorn", "shequyun.wsgi:application"]
