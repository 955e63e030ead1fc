"""The Celery app. With no REDIS_URL, tasks run in-process (always eager).

Configuration comes from Django settings (CELERY_*), including the beat
schedule (pastoral/settings.py says why the schedule lives there).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")

app = Celery("pastoral")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Several deployments (or test runs) can share one Redis: each names its own
# queue, and its workers consume only that one. The default is Celery's.
app.conf.task_default_queue = os.environ.get("CELERY_QUEUE", "celery")
app.autodiscover_tasks()
