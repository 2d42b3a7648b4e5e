FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=shequyun.settings.production
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
# collectstatic needs a key to import the settings; the real one comes from the environment at run time.
RUN SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') python manage.py collectstatic --noinput \
 && useradd --system --home /app shequyun && mkdir -p /app/var && chown -R shequyun /app/var
USER shequyun
EXPOSE 8000
CMD ["gunicorn", "shequyun.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
