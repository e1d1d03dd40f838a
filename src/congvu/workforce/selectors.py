"""Reads of the workforce app: rule sets and plans in the user's scope, the solver problem of a rule
set, schedules, expected-versus-actual attendance and the monthly sheet."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.errors import NotFound
from congvu.core.selectors import work_calendar
from congvu.org import selectors as org_selectors
from congvu.org.models import Agency, Role, Room, Staff, Unit

from . import solver
from .models import Assignment, CheckIn, Plan, RuleSet

MANAGER_ROLES = {Role.QUAN_TRI, Role.LANH_DAO}
LEADER_ROLES = {Role.QUAN_TRI, Role.LANH_DAO, Role.LANH_DAO_DON_VI}
ROOM_TOKEN_SALT = "congvu.workforce.room"  # noqa: S105 - a signing salt, not a secret


def can_manage(user) -> bool:
    """Set rules, run, adjust and publish plans: agency leaders and administrators."""
    return bool(getattr(user, "is_superuser", False) or (user.is_authenticated and MANAGER_ROLES & user.role_codes()))


def can_lead(user) -> bool:
    """See who has checked in: leaders of agencies and units, administrators."""
    return bool(getattr(user, "is_superuser", False) or (user.is_authenticated and LEADER_ROLES & user.role_codes()))


def rule_sets(user) -> QuerySet:
    """Rule sets the user's agencies made, and those whose scope holds one of the user's agencies
    (a province's rules seen from a department: only that department's part is shown)."""
    ids = org_selectors.visible_agency_ids(user)
    qs = RuleSet.objects.select_related("agency")
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    matching = RuleSet.objects.filter(Q(agency_id__in=ids) | Q(scope_agencies__in=ids)).values("pk")
    return qs.filter(pk__in=matching)


def plans(user) -> QuerySet:
    """Plans of the rule sets in :func:`rule_sets`."""
    ids = org_selectors.visible_agency_ids(user)
    qs = Plan.objects.select_related("rule_set", "agency")
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    matching = RuleSet.objects.filter(Q(agency_id__in=ids) | Q(scope_agencies__in=ids)).values("pk")
    return qs.filter(rule_set_id__in=matching)


def owned_plans(user) -> QuerySet:
    """Plans made by the agencies the user sees whole (the ones the user may publish)."""
    return org_selectors.scope(Plan.objects.select_related("rule_set", "agency"), user)


def get_rule_set(user, pk) -> RuleSet:
    obj = rule_sets(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("Không tìm thấy."))
    return obj


def get_plan(user, pk) -> Plan:
    obj = plans(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("Không tìm thấy."))
    return obj


def part_of(user, rule_set: RuleSet) -> set[int] | None:
    """The agency ids of ``rule_set``'s scope whose part the user sees; ``None``: the whole of it.

    The whole belongs to the users who see the owning agency (its leaders and administrators set the
    rules, run and publish the plans).  A department in the scope sees its own part only.
    """
    ids = org_selectors.visible_agency_ids(user)
    if ids is None or rule_set.agency_id in ids:
        return None
    return {a.pk for a in scope_agencies(rule_set)} & ids


def part_figures(plan: Plan, part: set[int] | None) -> dict:
    """The fairness gap and on-site days shown for the user's part of a plan (the whole plan: ``part`` None)."""
    if part is None:
        return {"fairness_gap": plan.fairness_gap, "onsite_days": plan.stats.get("onsite_days", 0)}
    by_agency = plan.stats.get("fairness_gap_by_agency") or {}
    gaps = [by_agency[str(pk)] for pk in part if str(pk) in by_agency]
    onsite = plan.assignments.filter(staff__agency_id__in=list(part), on_site=True).count()
    return {"fairness_gap": max(gaps) if gaps else None, "onsite_days": onsite}


def owns(user, rule_set: RuleSet) -> bool:
    """May set these rules, run and publish their plans: a manager who sees the whole rule set."""
    return can_manage(user) and part_of(user, rule_set) is None


def rule_sets_for_staff(staff: Staff, *, today: dt.date) -> list[RuleSet]:
    """Rule sets whose period has not ended and whose scope holds the person's agency."""
    out = []
    for rule_set in RuleSet.objects.filter(period_end__gte=today).prefetch_related("scope_agencies"):
        scope = {a.pk for a in rule_set.scope_agencies.all()} or {rule_set.agency_id}
        if staff.agency_id in scope:
            out.append(rule_set)
    return out


def scope_agencies(rule_set: RuleSet) -> list[Agency]:
    agencies = list(rule_set.scope_agencies.order_by("path"))
    return agencies or [rule_set.agency]


def working_days(rule_set: RuleSet) -> list[dt.date]:
    return work_calendar().working_days(rule_set.period_start, rule_set.period_end)


def build_problem(rule_set: RuleSet) -> solver.Problem:
    """The solver's problem for a rule set: staff ids are ``str(Staff.pk)``, rooms ``str(Room.pk)``."""
    agencies = scope_agencies(rule_set)
    agency_ids = [a.pk for a in agencies]
    staff = list(Staff.objects.filter(agency_id__in=agency_ids, is_active=True)
                 .select_related("user", "room").prefetch_related("roles").order_by("pk"))
    rooms = {r.pk: r for r in Room.objects.filter(agency_id__in=agency_ids)}
    home = set(rule_set.must_stay_home.values_list("pk", flat=True))
    come = set(rule_set.must_come_in.values_list("pk", flat=True)) - home
    cohort_of: dict[int, str] = {}
    for cohort in rule_set.cohorts.prefetch_related("members"):
        for member in cohort.members.all():
            cohort_of.setdefault(member.pk, cohort.name)
    people = []
    for s in staff:
        room_ok = s.room_id in rooms and rooms[s.room_id].agency_id == s.agency_id
        people.append(solver.Person(
            id=str(s.pk), agency=str(s.agency_id), room=str(s.room_id) if room_ok else None,
            roles=frozenset(r.code for r in s.roles.all()), must_stay_home=s.pk in home,
            must_come_in=s.pk in come, cohort=cohort_of.get(s.pk), name=s.user.get_full_name()))
    exempt_agencies = {str(a) for a in rule_set.exempt_agencies.values_list("pk", flat=True)}
    exempt_agencies |= {str(a.pk) for a in agencies if a.exempt_from_onsite_limits}
    rules = solver.Rules(
        max_onsite_ratio=rule_set.ratio, max_per_room=rule_set.max_per_room,
        exempt_agencies=frozenset(exempt_agencies),
        exempt_staff=frozenset(str(pk) for pk in rule_set.exempt_staff.values_list("pk", flat=True)))
    cover = tuple(solver.Cover(str(c.agency_id), c.role.code, c.min_onsite)
                  for c in rule_set.cover.select_related("role") if c.agency_id in agency_ids)
    prefs = tuple(solver.Preference(str(p.staff_id), p.day, p.on_site) for p in rule_set.preferences.all())
    return solver.Problem(
        days=tuple(working_days(rule_set)),
        agencies=tuple(solver.Agency(str(a.pk), a.short_name or a.name) for a in agencies),
        rooms=tuple(solver.Room(str(r.pk), str(r.agency_id), r.capacity, r.code) for r in rooms.values()),
        staff=tuple(people), rules=rules, cover=cover, preferences=prefs)


def _assignments(plan: Plan, agency_ids):
    qs = plan.assignments.all()
    return qs if agency_ids is None else qs.filter(staff__agency_id__in=list(agency_ids))


def plan_onsite(plan: Plan, *, agency_ids=None) -> dict[dt.date, list[str]]:
    """Day -> ids (str) of staff on site, for every working day the plan holds (of ``agency_ids`` only)."""
    out: dict[dt.date, list[str]] = defaultdict(list)
    for staff_id, day, on_site in _assignments(plan, agency_ids).values_list("staff_id", "day", "on_site"):
        out.setdefault(day, [])
        if on_site:
            out[day].append(str(staff_id))
    return dict(out)


def plan_grid(plan: Plan, *, agency_ids=None) -> tuple[list[dt.date], list[dict]]:
    """Days and one row per person: {staff, cells: [on_site bool per day], onsite_days}.

    ``agency_ids``: only the people of these agencies (``None``: everyone in the plan)."""
    rows: dict[int, dict] = {}
    days: set[dt.date] = set()
    qs = _assignments(plan, agency_ids)
    assignments = (qs.select_related("staff__user", "staff__room", "staff__agency", "staff__unit")
                   .order_by("staff__agency__path", "staff__room__code", "staff__user__full_name", "day"))
    for a in assignments:
        days.add(a.day)
        row = rows.setdefault(a.staff_id, {"staff": a.staff, "by_day": {}})
        row["by_day"][a.day] = a.on_site
    ordered = sorted(days)
    out = []
    for row in rows.values():
        cells = [row["by_day"].get(d) for d in ordered]
        out.append({"staff": row["staff"], "cells": cells, "onsite_days": sum(1 for c in cells if c)})
    return ordered, out


def plan_by_room(plan: Plan, days: list[dt.date], *, agency_ids=None) -> list[dict]:
    """Per room: the people on site each day (``cells`` in the order of ``days``)."""
    rooms: dict = {}
    qs = _assignments(plan, agency_ids)
    for a in (qs.filter(on_site=True).select_related("staff__user", "staff__room", "staff__agency")
              .order_by("staff__agency__path", "staff__room__code", "staff__user__full_name")):
        room = a.staff.room
        key = (a.staff.agency_id, room.pk if room else None)
        entry = rooms.setdefault(key, {"room": room, "agency": a.staff.agency, "by_day": defaultdict(list)})
        entry["by_day"][a.day].append(a.staff)
    for entry in rooms.values():
        entry["cells"] = [entry["by_day"].get(d, []) for d in days]
    return list(rooms.values())


def my_schedule(staff: Staff, *, start: dt.date, end: dt.date) -> list[dict]:
    """The person's published days: [{day, on_site, plan}], newest published plan wins for a day."""
    qs = (Assignment.objects.filter(staff=staff, day__gte=start, day__lte=end, plan__status=Plan.Status.PUBLISHED)
          .select_related("plan", "plan__rule_set").order_by("day", "-plan__published_at"))
    seen: dict[dt.date, dict] = {}
    for a in qs:
        seen.setdefault(a.day, {"day": a.day, "on_site": a.on_site, "plan": a.plan})
    return [seen[d] for d in sorted(seen)]


def expected_on(staff_ids, day: dt.date) -> dict[int, bool]:
    """Staff id -> planned on site (True) / at home (False) on ``day`` from published plans."""
    out: dict[int, bool] = {}
    for staff_id, on_site in (Assignment.objects.filter(staff_id__in=staff_ids, day=day,
                                                        plan__status=Plan.Status.PUBLISHED)
                              .order_by("plan__published_at").values_list("staff_id", "on_site")):
        out[staff_id] = on_site
    return out


def unit_with_children(agency: Agency, unit: Unit | None) -> list[int] | None:
    """Ids of ``unit`` and the units under it (a phòng and its bộ phận); ``None`` for no unit filter."""
    if unit is None:
        return None
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.filter(agency=agency).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    out, todo = [], [unit.pk]
    while todo:
        pk = todo.pop()
        if pk not in out:
            out.append(pk)
            todo.extend(children.get(pk, []))
    return out


def attendance_staff(user, *, agency: Agency, unit: Unit | None = None) -> QuerySet:
    """The active staff the day view and the monthly sheet list: of ``agency``, of ``unit`` and its sub-units."""
    qs = org_selectors.scope(Staff.objects.filter(agency=agency, is_active=True), user)
    unit_ids = unit_with_children(agency, unit)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.order_by("unit__name", "user__full_name", "pk")


def attendance_day(user, *, agency: Agency, day: dt.date, unit: Unit | None = None) -> list[dict]:
    """Expected (published plan) against actual (check-ins) for each active person of ``agency`` (or ``unit``)."""
    staff = list(attendance_staff(user, agency=agency, unit=unit).select_related("user", "unit", "room"))
    expected = expected_on([s.pk for s in staff], day)
    checkins: dict[int, list[CheckIn]] = defaultdict(list)
    for c in CheckIn.objects.filter(staff__in=staff, day=day).order_by("time_in"):
        checkins[c.staff_id].append(c)
    rows = []
    for s in staff:
        planned = expected.get(s.pk)
        actual = checkins.get(s.pk, [])
        modes = {c.mode for c in actual}
        rows.append({
            "staff": s, "planned": planned, "checkins": actual,
            "missing": not actual,
            "onsite_unplanned": planned is False and CheckIn.Mode.ON_SITE in modes,
            "home_when_planned_onsite": planned is True and bool(actual) and CheckIn.Mode.ON_SITE not in modes,
        })
    return rows


def monthly_sheet(user, *, agency: Agency, unit: Unit | None, year: int, month: int) -> dict:
    """A person × day grid for a month: 'T' on site, 'N' at home, '' nothing; with totals."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, pycalendar.monthrange(year, month)[1])
    cal = work_calendar()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    staff = list(attendance_staff(user, agency=agency, unit=unit).select_related("user", "unit"))
    marks: dict[tuple[int, dt.date], str] = {}
    for staff_id, day, mode in CheckIn.objects.filter(staff__in=staff, day__gte=first, day__lte=last) \
            .values_list("staff_id", "day", "mode"):
        current = marks.get((staff_id, day))
        marks[(staff_id, day)] = "T" if mode == CheckIn.Mode.ON_SITE or current == "T" else "N"
    rows = []
    for s in staff:
        cells = [marks.get((s.pk, d), "") for d in days]
        rows.append({"staff": s, "cells": cells, "onsite": cells.count("T"), "home": cells.count("N"),
                     "absent": sum(1 for d, c in zip(days, cells, strict=True) if not c and cal.is_working_day(d))})
    return {"days": days, "working": [cal.is_working_day(d) for d in days], "rows": rows,
            "working_days": sum(1 for d in days if cal.is_working_day(d))}


# --- room QR tokens ------------------------------------------------------------------------------------
def room_token(room: Room) -> str:
    return signing.dumps({"room": room.pk}, salt=ROOM_TOKEN_SALT, compress=True)


def room_from_token(token: str) -> Room:
    try:
        data = signing.loads(str(token)[:500], salt=ROOM_TOKEN_SALT)
        room = Room.objects.select_related("agency").get(pk=int(data["room"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Room.DoesNotExist):
        raise NotFound(_("Mã QR phòng không hợp lệ.")) from None
    return room


# --- work queue panel ----------------------------------------------------------------------------------
def workqueue_panel(request) -> dict | None:
    staff = org_selectors.staff_of(request.user)
    if staff is None:
        return None
    today = timezone.localdate()
    items = []
    upcoming = my_schedule(staff, start=today, end=today + dt.timedelta(days=6))
    for entry in upcoming[:5]:
        label = _("Làm việc tại trụ sở") if entry["on_site"] else _("Làm việc tại nhà")
        weekday = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][entry["day"].weekday()]
        items.append({"label": f"{weekday}: {label}", "url": reverse("workforce:my_schedule"),
                      "due": entry["day"], "overdue": False, "marks": []})
    if upcoming and upcoming[0]["day"] == today and not CheckIn.objects.filter(staff=staff, day=today).exists():
        items.insert(0, {"label": _("Bạn chưa điểm danh hôm nay"), "url": reverse("workforce:checkin"),
                         "due": today, "overdue": False, "marks": [_("Chưa điểm danh")]})
    if can_manage(request.user):
        for plan in owned_plans(request.user).filter(status=Plan.Status.READY)[:3]:
            items.append({"label": _("Phương án chờ công bố: %(name)s") % {"name": plan.rule_set.name},
                          "url": reverse("workforce:plan_detail", args=[plan.pk]), "due": None, "overdue": False,
                          "marks": []})
    if not items:
        return None
    return {"title": _("Lịch làm việc"), "items": items, "more_url": reverse("workforce:my_schedule"),
            "due_label": _("Ngày")}
