"""Writes of the workforce app.  Every state change is an audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from congvu.core.statemachine import StateMachine, Transition
from congvu.core.text import normalize
from congvu.org import selectors as org_selectors
from congvu.org.models import Agency, Role, Room, Staff

from . import selectors, solver
from .models import Assignment, CheckIn, Cohort, CoverRequirement, Plan, Preference, RuleSet

PLAN_FLOW = StateMachine(field="status", action_prefix="workforce.plan.", transitions=[
    Transition("start", source={Plan.Status.DRAFT, Plan.Status.READY, Plan.Status.FAILED},
               target=Plan.Status.SOLVING, label=_("Lập phương án")),
    Transition("finish", source={Plan.Status.SOLVING}, target=Plan.Status.READY, label=_("Hoàn thành")),
    Transition("fail", source={Plan.Status.SOLVING}, target=Plan.Status.FAILED, label=_("Không lập được")),
    Transition("publish", source={Plan.Status.READY}, target=Plan.Status.PUBLISHED, label=_("Công bố")),
    Transition("supersede", source={Plan.Status.PUBLISHED}, target=Plan.Status.SUPERSEDED,
               label=_("Thay thế")),
])
MAX_TIME_LIMIT = 600


def _require_manager(actor) -> None:
    if not selectors.can_manage(actor):
        raise Forbidden(_("Chỉ lãnh đạo cơ quan hoặc quản trị được lập lịch làm việc."))


def _require_owner(actor, rule_set: RuleSet) -> None:
    """Setting the rules, running and publishing their plans belong to the agency that made them."""
    _require_manager(actor)
    if not selectors.owns(actor, rule_set):
        raise Forbidden(_("Chỉ cơ quan lập bộ quy tắc (%(name)s) được sửa quy tắc, lập và công bố phương án.")
                        % {"name": rule_set.agency.name})


def _check_agencies(actor, agencies, field: str) -> None:
    visible = org_selectors.visible_agency_ids(actor)
    if visible is None:
        return
    for agency in agencies:
        if agency.pk not in visible:
            raise ValidationFailed(_("Cơ quan “%(name)s” ngoài phạm vi của bạn.") % {"name": agency.name},
                                   field=field)


def _check_staff(actor, staff, field: str) -> None:
    visible = org_selectors.visible_agency_ids(actor)
    if visible is None:
        return
    for person in staff:
        if person.agency_id not in visible:
            raise ValidationFailed(_("Cán bộ ngoài phạm vi của bạn."), field=field)


def parse_ratio(text) -> Fraction | None:
    """``1/3``, ``0,5``, ``50%``, ``0.3333`` or empty (no cap) → a fraction in [0, 1]."""
    if text is None or str(text).strip() == "":
        return None
    raw = normalize(str(text)).strip().replace(" ", "").replace(",", ".")
    try:
        if len(raw) > 20:
            raise ValueError
        if raw.endswith("%"):
            value = Fraction(Decimal(raw[:-1])) / 100
        elif "/" in raw:
            num, den = raw.split("/", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(Decimal(raw))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise ValidationFailed(_("Nhập tỷ lệ dạng 1/3, 50% hoặc 0,5."), field="ratio") from None
    if not 0 <= value <= 1:
        raise ValidationFailed(_("Tỷ lệ phải từ 0 đến 1 (0% đến 100%)."), field="ratio")
    if value.denominator > 10000:
        value = value.limit_denominator(10000)
    return value


def _common_ancestor(agencies) -> Agency:
    """The lowest agency above (or equal to) all ``agencies``: a superuser's rules for the departments of a
    province belong to the province, not to whichever department comes first."""
    paths = [a.path.split(".")[:-1] for a in agencies]
    common = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if not common:
        return agencies[0]
    return Agency.objects.get(pk=int(common[-1]))


@transaction.atomic
def rule_set_save(*, actor, rule_set: RuleSet | None = None, name: str, legal_basis: str = "",
                  period_start: dt.date, period_end: dt.date, scope_agencies=(), ratio: Fraction | None,
                  max_per_room: int | None = None, exempt_agencies=(), exempt_staff=(), must_stay_home=(),
                  must_come_in=(), cover=(), cohorts=()) -> RuleSet:
    """Create or replace a rule set.  ``cover``: [(agency, role_code, min)]; ``cohorts``: [(agency, name, [staff])]."""
    _require_manager(actor)
    if rule_set is not None:
        _require_owner(actor, rule_set)
    owner = org_selectors.user_agency(actor)
    if owner is None and rule_set is None:
        scope_list = list(scope_agencies)
        if not scope_list:
            raise ValidationFailed(_("Chọn ít nhất một cơ quan áp dụng."), field="scope_agencies")
        owner = _common_ancestor(scope_list)
    name = normalize(name).strip()
    if not name:
        raise ValidationFailed(_("Nhập tên bộ quy tắc."), field="name")
    if period_end < period_start:
        raise ValidationFailed(_("Ngày kết thúc phải sau ngày bắt đầu."), field="period_end")
    if (period_end - period_start).days > 366:
        raise ValidationFailed(_("Kỳ áp dụng tối đa một năm."), field="period_end")
    if max_per_room is not None and max_per_room < 1:
        raise ValidationFailed(_("Số người mỗi phòng phải từ 1 trở lên."), field="max_per_room")
    scope_list = list(scope_agencies)
    _check_agencies(actor, scope_list, "scope_agencies")
    _check_agencies(actor, exempt_agencies, "exempt_agencies")
    for field, people in (("exempt_staff", exempt_staff), ("must_stay_home", must_stay_home),
                          ("must_come_in", must_come_in)):
        _check_staff(actor, people, field)
    both = {s.pk for s in must_stay_home} & {s.pk for s in must_come_in}
    if both:
        raise ValidationFailed(_("Một người không thể vừa phải ở nhà vừa bắt buộc có mặt."), field="must_come_in")
    before = audit.snapshot(rule_set) if rule_set is not None else {}
    if rule_set is None:
        rule_set = RuleSet(agency=owner, created_by=actor if actor and actor.is_authenticated else None)
    rule_set.name = name[:200]
    rule_set.legal_basis = normalize(legal_basis or "").strip()[:200]
    rule_set.period_start, rule_set.period_end = period_start, period_end
    rule_set.ratio_numerator = ratio.numerator if ratio is not None else None
    rule_set.ratio_denominator = ratio.denominator if ratio is not None else None
    rule_set.max_per_room = max_per_room
    rule_set.save()
    rule_set.scope_agencies.set(scope_list)
    rule_set.exempt_agencies.set(list(exempt_agencies))
    rule_set.exempt_staff.set(list(exempt_staff))
    rule_set.must_stay_home.set(list(must_stay_home))
    rule_set.must_come_in.set(list(must_come_in))
    rule_set.cover.all().delete()
    roles = {r.code: r for r in Role.objects.all()}
    for agency, role_code, minimum in cover:
        if role_code not in roles:
            raise ValidationFailed(_("Vai trò không tồn tại: %(code)s") % {"code": role_code}, field="cover")
        if minimum < 0 or minimum > 1000:
            raise ValidationFailed(_("Số người trực phải từ 0 đến 1000."), field="cover")
        _check_agencies(actor, [agency], "cover")
        CoverRequirement.objects.update_or_create(rule_set=rule_set, agency=agency, role=roles[role_code],
                                                  defaults={"min_onsite": minimum})
    rule_set.cohorts.all().delete()
    for agency, cohort_name, members in cohorts:
        _check_agencies(actor, [agency], "cohorts")
        cohort = Cohort.objects.create(rule_set=rule_set, agency=agency, name=normalize(cohort_name).strip()[:60])
        cohort.members.set([m for m in members if m.agency_id == agency.pk])
    audit.record(action="workforce.rules.save", actor=actor, obj=rule_set,
                 changes=audit.diff(before, audit.snapshot(rule_set)),
                 note=f"tỷ lệ {rule_set.ratio_label}, tối đa {max_per_room or '—'} người/phòng")
    return rule_set


@transaction.atomic
def plan_start(*, actor, rule_set: RuleSet, time_limit: int = 30) -> Plan:
    """Create a plan for ``rule_set`` and queue the solver (runs after commit)."""
    _require_owner(actor, rule_set)
    try:
        time_limit = int(time_limit)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Thời gian tối đa phải là số giây."), field="time_limit") from None
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise ValidationFailed(_("Thời gian tối đa từ 1 đến %(n)s giây.") % {"n": MAX_TIME_LIMIT},
                               field="time_limit")
    plan = Plan.objects.create(rule_set=rule_set, agency=rule_set.agency, time_limit=time_limit,
                               created_by=actor if actor and actor.is_authenticated else None)
    PLAN_FLOW.apply(plan, "start", actor=actor, note=rule_set.name)
    from .tasks import solve_plan

    transaction.on_commit(lambda: solve_plan.delay(plan.pk))
    return plan


def _set_progress(plan_id: int, pct: int, note: str) -> None:
    Plan.objects.filter(pk=plan_id).update(progress=max(0, min(100, pct)), progress_note=note[:200])


def plan_solve(*, plan_id: int) -> Plan:
    """Run the solver for a plan in the ``solving`` state (the Celery task calls this).  Idempotent."""
    plan = Plan.objects.select_related("rule_set").filter(pk=plan_id).first()
    if plan is None or plan.status != Plan.Status.SOLVING:
        return plan
    problem = selectors.build_problem(plan.rule_set)
    try:
        result = solver.solve(problem, time_limit=plan.time_limit, num_workers=2,
                              progress=lambda pct, note: _set_progress(plan_id, pct, note))
    except Exception:
        # never leave a plan spinning: record the failure, then let the task log the error
        result = solver.Result("error", {}, [solver.Conflict(
            "solver_error", "", "Lỗi hệ thống khi lập phương án; vui lòng thử lại hoặc báo quản trị.",
            "The solver failed; try again or tell the administrator.")], {})
        _finish(plan_id, problem, result)
        raise
    return _finish(plan_id, problem, result)


def _finish(plan_id: int, problem: solver.Problem, result: solver.Result) -> Plan:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        if plan.status != Plan.Status.SOLVING:
            return plan
        plan.solver_status = result.status
        plan.stats = {k: v for k, v in result.stats.items() if k != "agencies"} | {
            "agency_status": {code: info["status"] for code, info in result.stats.get("agencies", {}).items()}}
        plan.conflicts = [c.as_dict() for c in result.conflicts]
        plan.progress = 100
        plan.assignments.all().delete()
        if result.ok:
            plan.fairness_gap = result.fairness_gap
            onsite = {d: set(ids) for d, ids in result.days.items()}
            Assignment.objects.bulk_create(
                [Assignment(plan=plan, staff_id=int(p.id), day=day, on_site=p.id in onsite[day])
                 for day in problem.days for p in problem.staff], batch_size=2000)
            plan.progress_note = _("Đã lập xong")
            PLAN_FLOW.apply(plan, "finish", actor=None, note=f"{result.status}, chênh lệch {result.fairness_gap}",
                            update_fields=["solver_status", "stats", "conflicts", "progress", "progress_note",
                                           "fairness_gap"])
        else:
            plan.fairness_gap = None
            plan.progress_note = _("Không lập được phương án")
            PLAN_FLOW.apply(plan, "fail", actor=None,
                            note="; ".join(c.message for c in result.conflicts)[:1000],
                            update_fields=["solver_status", "stats", "conflicts", "progress", "progress_note",
                                           "fairness_gap"])
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: Plan) -> Plan:
    _require_owner(actor, plan.rule_set)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    problem = selectors.build_problem(plan.rule_set)
    violations = solver.check_plan(problem, _onsite_of(problem, plan))
    if violations:
        raise Conflict(_("Phương án vi phạm quy tắc: %(v)s") % {"v": violations[0].message},
                       details={"violations": [v.as_dict() for v in violations[:50]]})
    for older in Plan.objects.select_for_update().filter(rule_set=plan.rule_set, status=Plan.Status.PUBLISHED):
        PLAN_FLOW.apply(older, "supersede", actor=actor, note=f"#{plan.pk}")
    plan.published_at = timezone.now()
    PLAN_FLOW.apply(plan, "publish", actor=actor, update_fields=["published_at"])
    return plan


def _onsite_of(problem: solver.Problem, plan: Plan) -> dict[dt.date, set[str]]:
    """The plan's on-site ids, without people who left the scope since it was solved."""
    known = problem.person_by_id
    return {d: {i for i in ids if i in known} for d, ids in selectors.plan_onsite(plan).items()}


def _violation_agency(problem: solver.Problem, violation: solver.Violation) -> str | None:
    """The agency (solver code) a violation is about; ``None`` when it is about the plan as a whole."""
    where = violation.where
    if violation.code in ("cap", "cohort"):
        return where
    if violation.code == "cover":
        return where.split(":", 1)[0]
    if violation.code == "room":
        room = problem.room_by_id.get(where)
        return room.agency if room else None
    person = problem.person_by_id.get(where)
    return person.agency if person else None


def check_change(*, plan: Plan, staff: Staff, day: dt.date, on_site: bool) -> list[solver.Violation]:
    """The hard rules the plan would break on ``day`` if ``staff`` were (not) on site.

    Every hard rule is about one agency (its cap, rooms, cover, cohorts, people), so only the rules of
    the person's agency are reported: a change in one department neither reveals nor depends on the
    state of another department's part of a province plan."""
    problem = selectors.build_problem(plan.rule_set)
    if day not in problem.days:
        raise ValidationFailed(_("Ngày %(d)s không phải ngày làm việc của kỳ.") % {"d": f"{day:%d/%m/%Y}"},
                               field="day")
    if str(staff.pk) not in problem.person_by_id:
        raise ValidationFailed(_("Cán bộ không thuộc phạm vi của phương án."), field="staff")
    onsite = _onsite_of(problem, plan)
    onsite.setdefault(day, set())
    if on_site:
        onsite[day].add(str(staff.pk))
    else:
        onsite[day].discard(str(staff.pk))
    agency = str(staff.agency_id)

    def concerns(v: solver.Violation) -> bool:
        about = _violation_agency(problem, v)
        return about == agency or (about is None and v.where == "")

    return [v for v in solver.check_plan(problem, onsite) if (v.day == day or v.day is None) and concerns(v)]


@transaction.atomic
def assignment_change(*, actor, plan: Plan, staff: Staff, day: dt.date, on_site: bool) -> Assignment:
    """Adjust one person's day by hand; refused when a hard rule would break.

    The owner's managers adjust anyone in the plan; a department's leader only its own people."""
    _require_manager(actor)
    part = selectors.part_of(actor, plan.rule_set)
    if part is not None and staff.agency_id not in part:
        raise NotFound(_("Không tìm thấy."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (Plan.Status.READY, Plan.Status.PUBLISHED):
        raise Conflict(_("Chỉ điều chỉnh được phương án đã lập xong."))
    violations = check_change(plan=plan, staff=staff, day=day, on_site=on_site)
    if violations:
        raise ValidationFailed(violations[0].message, code="rule_broken",
                               details={"violations": [v.as_dict() for v in violations]})
    assignment, _created = Assignment.objects.update_or_create(plan=plan, staff=staff, day=day,
                                                               defaults={"on_site": on_site})
    problem = selectors.build_problem(plan.rule_set)
    gaps = solver.fairness_gaps(problem, _onsite_of(problem, plan))
    plan.fairness_gap = max(gaps.values(), default=0)
    plan.stats = {**plan.stats, "fairness_gap_by_agency": gaps}
    plan.save(update_fields=["fairness_gap", "stats"])
    audit.record(action="workforce.plan.adjust", actor=actor, obj=plan,
                 changes={"staff": staff.pk, "day": day, "on_site": [not on_site, on_site]},
                 note=f"{staff.full_name} {day:%d/%m/%Y}: {'tại trụ sở' if on_site else 'tại nhà'}")
    return assignment


@transaction.atomic
def preference_set(*, staff: Staff, rule_set: RuleSet, day: dt.date, on_site: bool) -> Preference:
    """A person's wish for one working day of a rule set's period (honoured when the rules allow)."""
    if staff is None:
        raise Forbidden(_("Tài khoản chưa gắn với cán bộ nào."))
    if staff.agency_id not in {a.pk for a in selectors.scope_agencies(rule_set)}:
        raise NotFound(_("Không tìm thấy."))
    if day not in selectors.working_days(rule_set):
        raise ValidationFailed(_("Chọn một ngày làm việc trong kỳ %(a)s – %(b)s.") % {
            "a": f"{rule_set.period_start:%d/%m/%Y}", "b": f"{rule_set.period_end:%d/%m/%Y}"}, field="day")
    pref, _created = Preference.objects.update_or_create(rule_set=rule_set, staff=staff, day=day,
                                                         defaults={"on_site": on_site})
    audit.record(action="workforce.preference.set", actor=staff.user, obj=rule_set, agency_id=staff.agency_id,
                 note=f"{day:%d/%m/%Y}: {'tại trụ sở' if on_site else 'tại nhà'}")
    return pref


@transaction.atomic
def preference_delete(*, staff: Staff, pk: int) -> None:
    pref = Preference.objects.filter(pk=pk, staff=staff).select_related("rule_set").first()
    if pref is None:
        raise NotFound(_("Không tìm thấy."))
    audit.record(action="workforce.preference.delete", actor=staff.user, obj=pref.rule_set,
                 agency_id=staff.agency_id, note=f"{pref.day:%d/%m/%Y}")
    pref.delete()


# --- attendance ----------------------------------------------------------------------------------------
def _coordinate(value, low: float, high: float, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed(_("Tọa độ không hợp lệ."), field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationFailed(_("Tọa độ không hợp lệ."), field=field)
    return number.quantize(Decimal("0.000001"))


def checkin(*, staff: Staff, mode: str, ip: str | None = None, latitude=None, longitude=None,
            room: Room | None = None, idempotency_key: str | None = None,
            at: dt.datetime | None = None) -> tuple[CheckIn, bool]:
    """Check in (today).  A repeat with the same key, or the same person, day and mode, is the same check-in.

    Returns ``(check_in, created)``.
    """
    if staff is None:
        raise Forbidden(_("Tài khoản chưa gắn với cán bộ nào."))
    if mode not in CheckIn.Mode.values:
        raise ValidationFailed(_("Hình thức điểm danh không hợp lệ."), field="mode")
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 100:
        raise ValidationFailed(_("Idempotency-Key tối đa 100 ký tự."), field="idempotency_key")
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    if mode == CheckIn.Mode.ON_SITE:
        if room is None:
            raise ValidationFailed(_("Điểm danh tại trụ sở bằng mã QR của phòng."), field="room")
        if room.agency_id != staff.agency_id:
            raise ValidationFailed(_("Phòng này không thuộc cơ quan của bạn."), field="room")
    now = at or timezone.now()
    day = timezone.localtime(now).date()
    if key is not None:
        existing = CheckIn.objects.filter(staff=staff, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    existing = CheckIn.objects.filter(staff=staff, day=day, mode=mode).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            check = CheckIn.objects.create(staff=staff, agency_id=staff.agency_id, day=day, mode=mode, time_in=now,
                                           ip=ip or None, latitude=lat, longitude=lon,
                                           room=room if mode == CheckIn.Mode.ON_SITE else None,
                                           idempotency_key=key)
            audit.record(action="workforce.checkin", actor=staff.user, obj=check, agency_id=staff.agency_id,
                         note=f"{check.get_mode_display()} {timezone.localtime(now):%H:%M}", ip=ip)
    except IntegrityError:  # a concurrent double tap won the race: answer with its row
        existing = (CheckIn.objects.filter(staff=staff, idempotency_key=key).first() if key else None) or \
            CheckIn.objects.filter(staff=staff, day=day, mode=mode).first()
        if existing is None:
            raise Conflict(_("Không ghi được điểm danh, vui lòng thử lại.")) from None
        return existing, False
    return check, True


@transaction.atomic
def checkout(*, staff: Staff, ip: str | None = None, at: dt.datetime | None = None) -> CheckIn:
    """Check out of today's latest check-in.  A repeat changes nothing."""
    if staff is None:
        raise Forbidden(_("Tài khoản chưa gắn với cán bộ nào."))
    now = at or timezone.now()
    day = timezone.localtime(now).date()
    check = CheckIn.objects.select_for_update().filter(staff=staff, day=day).order_by("-time_in").first()
    if check is None:
        raise Conflict(_("Bạn chưa điểm danh hôm nay."))
    if check.time_out is None:
        check.time_out = now
        check.save(update_fields=["time_out"])
        audit.record(action="workforce.checkout", actor=staff.user, obj=check, agency_id=staff.agency_id,
                     note=f"{timezone.localtime(now):%H:%M}", ip=ip)
    return check


def agency_in_scope(user, agency_id) -> Agency:
    return org_selectors.get_scoped(Agency.objects.all(), user, field="pk", pk=agency_id)
