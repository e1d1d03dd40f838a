"""Reads of core data shared by every app."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import DatabaseError

from .calendar import WorkCalendar, parse_office_hours

_cache_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None
CALENDAR_TTL_SECONDS = 60.0


def work_calendar(*, fresh: bool = False) -> WorkCalendar:
    """The installation's working-day calendar: national holidays plus the database rows.

    Cached per process for a minute; services that change calendar rows call
    :func:`invalidate_calendar`.  Without migrated tables the national calendar is used.
    """
    global _cached
    now = time.monotonic()
    with _cache_lock:
        if not fresh and _cached is not None and now - _cached[0] < CALENDAR_TTL_SECONDS:
            return _cached[1]
    from .models import CalendarDay

    off: dict = {}
    work: set = set()
    try:
        for day in CalendarDay.objects.all().only("date", "kind", "name"):
            if day.kind == CalendarDay.Kind.WORKING_DAY:
                work.add(day.date)
            else:
                off[day.date] = day.name
    except DatabaseError:
        pass
    calendar = WorkCalendar(extra_days_off=off, extra_working_days=work,
                            office_hours=parse_office_hours(settings.CONGVU_OFFICE_HOURS))
    with _cache_lock:
        _cached = (now, calendar)
    return calendar


def invalidate_calendar() -> None:
    global _cached
    with _cache_lock:
        _cached = None
