# One image for the three processes (web, worker, beat); docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint needs Pango (and its fonts) to lay out the closeout report PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
RUN pybabel compile -d locale -D django
# collectstatic needs settings to import; the real secret comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only-placeholder-build-only-placeholder-build-only-x \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var
USER app

# Every interface of the container; docker-compose.yml publishes it on the host's loopback only,
# for the TLS proxy (the app believes that proxy's X-Forwarded-* headers).
EXPOSE 8000
ENV WEB_BIND=0.0.0.0:8000
CMD ["sh", "-c", "gunicorn config.wsgi --bind ${WEB_BIND} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
