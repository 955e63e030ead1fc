"""gunicorn settings, read from the project folder (Dockerfile, docker-compose, the benches).

Workers are recycled after a number of requests (with jitter, so that they do
not all restart together): a long-lived worker cannot grow without bound after
an unusually large page. Every figure can be set from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "0") == "1" else None
