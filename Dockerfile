# syntax=docker/dockerfile:1
#
# Production image of the APC case-management app.
#   docker build -t apc .
# The same image runs the web process (default CMD: gunicorn), the Celery worker and Celery
# beat (see docker-compose.yml). Every secret comes from the environment at run time.

# --- Stage 1: front-end packages ----------------------------------------------------------
# scripts/vendor.sh runs `npm ci` and copies the front-end packages into static/vendor/.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
# package-lock.json may not exist yet: the glob copies whichever of the two is present.
COPY package*.json ./
COPY scripts/vendor.sh scripts/vendor.sh
RUN mkdir -p static/vendor && bash scripts/vendor.sh

# --- Stage 2: the application -------------------------------------------------------------
FROM python:3.11-slim-bookworm

# PYTHONPATH=/app: `pip install .` also puts the packages in site-packages, but settings
# derive BASE_DIR (templates/, static/, var/) from the module's location, so the copy under
# /app must be the one imported, whatever the entry point (manage.py, gunicorn, celery).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=apc.settings.production

# libpq5: PostgreSQL client library. Pango/HarfBuzz + fonts: what weasyprint needs for PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpq5 \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system apc \
    && useradd --system --gid apc --home-dir /app --no-create-home --shell /usr/sbin/nologin apc

WORKDIR /app

# Dependencies first, in their own layer, so a source-only change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The source (filtered by .dockerignore), then the project itself.
COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

# Front-end packages from the assets stage.
COPY --from=assets /src/static/vendor ./static/vendor

# Static files are collected at build time (into var/staticfiles, served by whitenoise).
# The SECRET_KEY here is a throwaway that only lets production settings load for
# collectstatic: it is set for this one RUN, never stored in the image's environment.
RUN DJANGO_SETTINGS_MODULE=apc.settings.production \
    SECRET_KEY=build-only-throwaway-key-for-collectstatic-never-used-at-runtime-0000000000 \
    DATABASE_URL=postgres://build-only@localhost/none REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown apc:apc var

# Source and collected static files stay owned by root (read-only to the app user);
# only var/ is writable.
USER apc

EXPOSE 8000

# No curl in slim: urllib. /healthz is asked over plain HTTP inside the container, so the
# request says X-Forwarded-Proto: https (SECURE_SSL_REDIRECT would otherwise answer 301)
# and carries a Host from ALLOWED_HOSTS (otherwise Django answers 400 to "127.0.0.1").
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('*.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"]

CMD ["gunicorn", "apc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
