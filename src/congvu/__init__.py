"""Công Vụ — an e-government platform for Vietnamese provinces and cities."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
