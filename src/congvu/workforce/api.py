"""Workforce API: check-in/check-out for mobile clients (idempotent), my schedule, plans (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from congvu.core.errors import Forbidden, ValidationFailed
from congvu.org import selectors as org_selectors

from . import selectors, services
from .models import CheckIn

router = Router(tags=["workforce"])


class CheckInIn(Schema):
    mode: Literal["home", "onsite"]
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    room_token: str | None = Field(None, max_length=500, description="token of the room's QR code (on site)")


class CheckInOut(Schema):
    id: int
    day: dt.date
    mode: str
    time_in: dt.datetime
    time_out: dt.datetime | None
    room_id: int | None
    created: bool = False


class ScheduleDay(Schema):
    day: dt.date
    on_site: bool
    plan_id: int


class PlanOut(Schema):
    id: int
    rule_set: str
    status: str
    solver_status: str
    progress: int
    fairness_gap: int | None
    period_start: dt.date
    period_end: dt.date
    conflicts: list[dict]
    part: bool = Field(False, description="true: a plan another agency made; only your agencies' part is given")
    days: dict[str, list[int]] | None = None


def _staff(request):
    staff = org_selectors.staff_of(request.auth)
    if staff is None:
        raise Forbidden("Tài khoản chưa gắn với cán bộ nào.")
    return staff


def _out(check: CheckIn, created: bool) -> dict:
    return {"id": check.pk, "day": check.day, "mode": check.mode, "time_in": check.time_in,
            "time_out": check.time_out, "room_id": check.room_id, "created": created}


@router.post("/checkin", response={200: CheckInOut, 201: CheckInOut},
             summary="Check in today (idempotent: Idempotency-Key header, or same person+day+mode)")
def checkin(request, payload: CheckInIn):
    staff = _staff(request)
    room = selectors.room_from_token(payload.room_token) if payload.room_token else None
    key = request.headers.get("Idempotency-Key")
    check, created = services.checkin(staff=staff, mode=payload.mode, ip=request.META.get("REMOTE_ADDR"),
                                      latitude=payload.latitude, longitude=payload.longitude, room=room,
                                      idempotency_key=key)
    return Status(201 if created else 200, _out(check, created))


@router.post("/checkout", response=CheckInOut, summary="Check out of today's check-in (repeat changes nothing)")
def checkout(request):
    check = services.checkout(staff=_staff(request), ip=request.META.get("REMOTE_ADDR"))
    return _out(check, False)


@router.get("/my-schedule", response=list[ScheduleDay], summary="My published on-site/home days")
def my_schedule(request, start: dt.date | None = None, end: dt.date | None = None):
    staff = _staff(request)
    start = start or timezone.localdate()
    end = end or start + dt.timedelta(days=30)
    if end < start or (end - start).days > 366:
        raise ValidationFailed("Khoảng ngày không hợp lệ (tối đa một năm, ngày cuối sau ngày đầu).", field="end")
    return [{"day": e["day"], "on_site": e["on_site"], "plan_id": e["plan"].pk}
            for e in selectors.my_schedule(staff, start=start, end=end)]


def _plan_out(plan, with_days: bool, user) -> dict:
    """A plan as the user sees it: for a plan another (higher) agency made, the user's own part only
    (its fairness gap, its people; the conflicts, which may name other agencies, are left out)."""
    part = selectors.part_of(user, plan.rule_set)
    out = {"id": plan.pk, "rule_set": plan.rule_set.name, "status": plan.status,
           "solver_status": plan.solver_status, "progress": plan.progress,
           "fairness_gap": selectors.part_figures(plan, part)["fairness_gap"] if part is not None
           else plan.fairness_gap,
           "period_start": plan.rule_set.period_start, "period_end": plan.rule_set.period_end,
           "conflicts": plan.conflicts if part is None else [], "part": part is not None}
    if with_days:
        out["days"] = {d.isoformat(): sorted(int(i) for i in ids)
                       for d, ids in sorted(selectors.plan_onsite(plan, agency_ids=part).items())}
    return out


@router.get("/plans", response=list[PlanOut], summary="Plans of the agencies you may see (newest first)")
def plan_list(request):
    return [_plan_out(p, False, request.auth) for p in selectors.plans(request.auth)[:100]]


@router.get("/plans/{plan_id}", response=PlanOut,
            summary="A plan with the staff ids on site each working day (of your agencies only, for a plan "
                    "another agency made)")
def plan_detail(request, plan_id: int):
    return _plan_out(selectors.get_plan(request.auth, plan_id), True, request.auth)
