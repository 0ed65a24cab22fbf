# The service image: Python packages and the GOV.UK Frontend assets, served by gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GOODCARE_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
COPY scripts/install-python-deps scripts/
RUN python scripts/install-python-deps && npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN useradd --create-home goodcare && mkdir -p instance && chown -R goodcare instance
USER goodcare
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "wsgi:app"]
