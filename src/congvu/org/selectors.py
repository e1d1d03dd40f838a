"""Reads of the organisation, and the per-agency scoping every query goes through.

Rule: a person sees their own agency's data.  An administrator (role ``admin``) of an
agency sees that agency's subtree; a superuser sees everything.  Objects of another
agency are answered with "not found" (404), never with "forbidden" details.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from congvu.core.errors import NotFound

from .models import Agency, Role, Staff


def staff_of(user) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def user_agency(user) -> Agency | None:
    staff = staff_of(user)
    return staff.agency if staff is not None else None


def visible_agency_ids(user) -> set[int] | None:
    """Ids of the agencies whose data the user may read; ``None`` means all (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    staff = staff_of(user)
    if staff is None:
        return set()
    if Role.QUAN_TRI in user.role_codes():
        return set(Agency.objects.filter(path__startswith=staff.agency.path).values_list("id", flat=True))
    return {staff.agency_id}


def scope(qs: QuerySet, user, *, field: str = "agency") -> QuerySet:
    """Filter ``qs`` to rows whose ``field`` (an Agency FK path) the user may see."""
    ids = visible_agency_ids(user)
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    return qs.filter(**{f"{field}__in": ids})


def get_scoped(qs: QuerySet, user, *, field: str = "agency", **lookup):
    """One object of ``qs`` within the user's scope, else NotFound (no existence leak)."""
    obj = scope(qs, user, field=field).filter(**lookup).first()
    if obj is None:
        raise NotFound("Không tìm thấy.")
    return obj


def agency_list(*, on: dt.date | None = None, include_ended: bool = True, query: str = "") -> QuerySet:
    qs = Agency.objects.select_related("parent").order_by("path")
    if not include_ended or on is not None:
        qs = qs.valid_on(on)
    if query:
        from congvu.core.text import fold

        folded = fold(query)
        ids = [a.pk for a in qs if folded in fold(a.name) or folded in fold(a.short_name) or folded in a.code.lower()]
        qs = qs.filter(pk__in=ids)
    return qs


def agency_by_code(code: str, *, on: dt.date | None = None) -> Agency:
    """The agency with this identifier code (the current one, or the one valid on ``on``)."""
    qs = Agency.objects.filter(code=code.strip().upper())
    qs = qs.valid_on(on) if on else qs.filter(valid_to__isnull=True)
    agency = qs.first() or Agency.objects.filter(code=code.strip().upper()).order_by("-valid_to").first()
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {code}.")
    return agency


def staff_list(user, *, agency_id: int | None = None, query: str = "", active_only: bool = True) -> QuerySet:
    qs = scope(Staff.objects.select_related("user", "agency", "unit", "room", "position")
               .prefetch_related("roles"), user)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if active_only:
        qs = qs.filter(is_active=True)
    if query:
        qs = qs.filter(Q(user__full_name__icontains=query) | Q(employee_code__iexact=query))
    return qs.order_by("agency__path", "user__full_name")


def staff_with_role(agency: Agency, code: str) -> QuerySet:
    return Staff.objects.filter(agency=agency, is_active=True, roles__code=code).select_related("user")
