"""The Celery application.  Broker from ``CELERY_BROKER_URL``; unset = eager."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")

app = Celery("congvu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
