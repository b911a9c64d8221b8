# One image for web and worker; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DEBUG=False

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
# collectstatic needs settings to load; these throwaway values exist only during the build step.
RUN SECRET_KEY=build-only-not-a-secret \
    KEY_ENCRYPTION_KEYS=1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    KEY_FINGERPRINT_SECRET=build-only-not-a-secret-build-only-x \
    python manage.py collectstatic --noinput -v0

USER app
EXPOSE 8000
# gthread workers: a ZIP download streams for minutes to a slow client, and a sync worker busy
# with one response cannot tell the arbiter it is alive (killed at --timeout, 30 s, mid-file).
CMD ["gunicorn", "avatarapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-"]
