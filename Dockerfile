# Pastoral application image: the same image runs web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libmagic1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -r requirements.lock
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput
RUN useradd --create-home pastoral && mkdir -p /app/var && chown pastoral /app/var
USER pastoral
EXPOSE 8000
CMD ["gunicorn", "pastoral.wsgi:application"]
