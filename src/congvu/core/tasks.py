"""Periodic housekeeping, registered in Celery beat (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core import management


@shared_task(name="congvu.core.tasks.housekeeping")
def housekeeping() -> dict:
    """Purge expired sessions and expired API tokens."""
    management.call_command("clearsessions")
    from congvu.accounts.services import token_purge_expired

    return {"expired_tokens_deleted": token_purge_expired()}


@shared_task(name="congvu.core.tasks.ping")
def ping(value: int = 1) -> int:
    """Round-trip check used by the Celery smoke test in CI."""
    return value + 1
