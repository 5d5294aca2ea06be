FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY requirements.txt ./
RUN pip install --require-virtualenv=false -r requirements.txt

COPY . .
# Static files (plotly.min.js from the plotly package, Swagger UI from drf-spectacular-sidecar) are
# collected at build time and served by WhiteNoise.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 cx \
    && mkdir -p /app/var && chown cx /app/var

USER cx
EXPOSE 8000
# ASGI workers (pages, API and the live map's WebSockets) with client timeouts (cxplatform/web_server.py): slow
# clients cannot stall the site.
CMD ["gunicorn", "cxplatform.asgi", "-c", "python:cxplatform.web_server", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
