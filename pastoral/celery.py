"""The Celery app. With no REDIS_URL, tasks run in-process (always eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")

app = Celery("pastoral")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
