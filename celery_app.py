"""The Celery application. Imported by ``config/__init__.py`` so that ``shared_task``s bind to it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("pozytek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
