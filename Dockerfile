# Avvika – production image. One image for every role: web (gunicorn, the default CMD),
# Celery worker / pdf worker / beat and the migrate one-shot (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    MEDIA_ROOT=/data/private

# WeasyPrint needs Pango/HarfBuzz and a font; gettext compiles the Swedish catalogues below;
# pysaml2 signs and verifies SAML messages with xmlsec1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (pyproject.toml only) so code changes do not reinstall them.
# [tool.setuptools] packages = [] : installing the project installs its pinned dependencies only.
COPY pyproject.toml /app/
RUN pip install /app

COPY . /app

# Build-time only settings: no database or Redis is touched by these commands.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0 \
    && if [ -d locale ]; then \
         DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py compilemessages -v 0; \
       fi

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin avvika \
    && mkdir -p /data/private /app/var/beat \
    && chown -R avvika:avvika /data/private /app/var/beat
VOLUME ["/data/private"]

USER avvika
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "-w", "3", "--access-logfile", "-"]
