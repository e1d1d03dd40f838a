"""Writing audit events.  Services call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .middleware import current_request_context
from .models import AuditEvent
from .text import normalize


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, str):
        return normalize(value)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Concrete field values of ``obj`` (FKs as ids), for before/after diffs."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


def record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    changes: dict | None = None,
    agency_id: int | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit event.  The caller's transaction makes it atomic with the change."""
    if ip is None:
        ctx = current_request_context()
        ip = ctx.ip if ctx else None
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if agency_id is None and obj is not None:
        agency_id = _agency_of(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor_obj,
        actor_label=(actor_obj.get_full_name() or actor_obj.get_username()) if actor_obj else "hệ thống",
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=normalize(str(obj))[:300] if obj is not None else "",
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        note=normalize(note or ""),
        changes=_jsonable(changes or {}),
        ip=ip,
        agency_id=agency_id,
    )


def _agency_of(obj: models.Model) -> int | None:
    for attr in ("audit_agency_id", "agency_id"):
        value = getattr(obj, attr, None)
        if callable(value):
            value = value()
        if isinstance(value, int):
            return value
    return None


def history(obj: models.Model):
    """Audit events of one object, oldest first (for timelines)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("at", "id")
