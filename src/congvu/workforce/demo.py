"""Demo data: Gia Lai's rules of 2020 applied to the demo city, and a published plan for the coming weeks.

Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.utils import timezone

from congvu.org.models import Agency, Role, Staff

from . import services
from .models import Plan, RuleSet

DEMO_NAME = "Làm việc tại trụ sở tối đa 1/3, tối đa 2 người/phòng (theo mẫu Công văn 1045/VP-NC)"


def load(*, time_limit: int = 8) -> dict:
    if RuleSet.objects.filter(name=DEMO_NAME).exists():
        return {"rule_sets": 0, "plans": 0}
    from congvu.org.demo import ROOT_CODE

    root = Agency.objects.filter(code=ROOT_CODE).first()
    admin = get_user_model().objects.filter(username="admin").first()
    if root is None or admin is None:
        return {"rule_sets": 0, "plans": 0}
    today = timezone.localdate()
    scope = [a for a in Agency.objects.filter(parent=root).current().order_by("path")
             if Staff.objects.filter(agency=a, is_active=True).exists()]
    cover = []
    for agency in scope:
        # Gia Lai suspended direct reception at the one-stop desks, so no one-stop cover is required
        for code, minimum in ((Role.VAN_THU, 1), (Role.LANH_DAO, 1)):
            if Staff.objects.filter(agency=agency, is_active=True, roles__code=code).exists():
                cover.append((agency, code, minimum))
    rule_set = services.rule_set_save(
        actor=admin, name=DEMO_NAME, legal_basis="Mẫu theo Công văn 1045/VP-NC ngày 27/3/2020",
        period_start=today, period_end=today + dt.timedelta(days=27), scope_agencies=scope,
        ratio=Fraction(1, 3), max_per_room=2, exempt_agencies=[a for a in scope if a.exempt_from_onsite_limits],
        cover=cover)
    plan = Plan.objects.create(rule_set=rule_set, agency=rule_set.agency, time_limit=time_limit, created_by=admin)
    services.PLAN_FLOW.apply(plan, "start", actor=admin, note="demo")
    plan = services.plan_solve(plan_id=plan.pk)
    if plan.status == Plan.Status.READY:
        plan = services.plan_publish(actor=admin, plan=plan)
    return {"rule_sets": 1, "plans": 1, "status": str(plan.status)}
