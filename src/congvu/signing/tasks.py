"""Background verification of stored files (e.g. incoming documents), on the slow queue."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="congvu.signing.tasks.slow_verify_stored_file")
def slow_verify_stored_file(file_id: int, agency_id: int | None = None, actor_id: int | None = None,
                            file_name: str = "") -> dict:
    """Verify a StoredFile's signatures and keep the report for ``agency_id``."""
    from django.contrib.auth import get_user_model

    from congvu.core.models import StoredFile
    from congvu.org.models import Agency

    from . import services

    stored = StoredFile.objects.get(pk=file_id)
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    row = services.verify_stored(actor=actor, stored=stored, agency=agency, file_name=file_name)
    return {"report_id": row.pk, "verdict_code": row.verdict_code}
