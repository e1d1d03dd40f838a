"""Reads the reader needs from the database."""

from __future__ import annotations

from django.db import DatabaseError


def known_agencies() -> list[str]:
    """Names and short names of the organisation's agencies, passed to the reader as known names."""
    from congvu.org.models import Agency

    try:
        names: list[str] = []
        for name, short in Agency.objects.values_list("name", "short_name"):
            names.extend(x for x in (name, short) if x)
        return names
    except DatabaseError:
        return []
