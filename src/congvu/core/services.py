"""Writes of core data."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .errors import ValidationFailed
from .models import CalendarDay
from .selectors import invalidate_calendar
from .text import normalize


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, name: str, legal_basis: str = "") -> CalendarDay:
    """Declare a day off or a swapped working day (replaces an existing row for that date)."""
    if kind not in CalendarDay.Kind.values:
        raise ValidationFailed(_("Loại ngày không hợp lệ."), field="kind")
    name = normalize(name).strip()
    if not name:
        raise ValidationFailed(_("Cần nhập tên ngày nghỉ/làm bù."), field="name")
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(existing) if existing else {}
    day, _created = CalendarDay.objects.update_or_create(
        date=date, defaults={"kind": kind, "name": name[:200], "legal_basis": normalize(legal_basis)[:200]}
    )
    audit.record(action="calendar.set", actor=actor, obj=day, changes=audit.diff(before, audit.snapshot(day)))
    transaction.on_commit(invalidate_calendar)
    return day


@transaction.atomic
def calendar_day_delete(*, actor, date: dt.date) -> None:
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        return
    audit.record(action="calendar.delete", actor=actor, obj=day, changes=audit.diff(audit.snapshot(day), {}))
    day.delete()
    transaction.on_commit(invalidate_calendar)
