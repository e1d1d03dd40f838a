"""Rule sets, solving through the Celery task, publishing, hand adjustment, check-ins (services)."""

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone

from congvu.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from congvu.core.models import AuditEvent
from congvu.org.models import Role
from congvu.workforce import selectors, services
from congvu.workforce.models import Assignment, CheckIn, Plan, RuleSet

pytestmark = pytest.mark.django_db

START = dt.date(2026, 12, 1)
END = dt.date(2026, 12, 4)  # Tue..Fri: 4 working days


def make_rules(org, actor=None, **kw):
    args = {"name": "Tối đa 1/2, 2 người/phòng", "period_start": START, "period_end": END,
            "scope_agencies": [org.snv], "ratio": Fraction(1, 2), "max_per_room": 2,
            "cover": [(org.snv, Role.VAN_THU, 1)]}
    args.update(kw)
    return services.rule_set_save(actor=actor or org.snv_leader.user, **args)


def solve(org, rule_set, captured):
    with captured(execute=True):
        plan = services.plan_start(actor=org.snv_leader.user, rule_set=rule_set, time_limit=5)
    plan.refresh_from_db()
    return plan


def test_rules_plan_publish_flow(org, django_capture_on_commit_callbacks):
    rule_set = make_rules(org)
    assert rule_set.agency == org.snv and rule_set.ratio == Fraction(1, 2)
    plan = solve(org, rule_set, django_capture_on_commit_callbacks)
    assert plan.status == Plan.Status.READY and plan.progress == 100
    assert plan.solver_status == "optimal"
    # 3 staff of SNV × 4 working days; cap floor(3/2) = 1 a day, the clerk covers the desk every day
    assert plan.assignments.count() == 12
    onsite = selectors.plan_onsite(plan)
    assert sorted(onsite) == [START + dt.timedelta(days=i) for i in range(4)]
    assert all(ids == [str(org.snv_clerk.pk)] for ids in onsite.values())
    services.plan_publish(actor=org.snv_leader.user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED and plan.published_at
    actions = list(AuditEvent.objects.filter(object_id=str(plan.pk), action__startswith="workforce.plan.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["workforce.plan.start", "workforce.plan.finish", "workforce.plan.publish"]
    schedule = selectors.my_schedule(org.snv_clerk, start=START, end=END)
    assert [e["on_site"] for e in schedule] == [True] * 4
    assert not any(e["on_site"] for e in selectors.my_schedule(org.snv_specialist, start=START, end=END))
    # a second published plan supersedes the first
    plan2 = solve(org, rule_set, django_capture_on_commit_callbacks)
    services.plan_publish(actor=org.snv_leader.user, plan=plan2)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED


def test_infeasible_rules_fail_with_named_conflict(org, django_capture_on_commit_callbacks):
    rule_set = make_rules(org, ratio=Fraction(1, 3), cover=[(org.snv, Role.VAN_THU, 1), (org.snv, Role.LANH_DAO, 1)])
    plan = solve(org, rule_set, django_capture_on_commit_callbacks)
    assert plan.status == Plan.Status.FAILED
    assert plan.assignments.count() == 0
    text = " ".join(c["message"] for c in plan.conflicts)
    assert "trần tại trụ sở của SNV: 1 người/ngày" in text


def test_rules_validation_and_authorization(org):
    with pytest.raises(Forbidden):
        make_rules(org, actor=org.snv_specialist.user)
    with pytest.raises(ValidationFailed):
        make_rules(org, period_end=START - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):  # another agency is outside a department leader's scope
        make_rules(org, scope_agencies=[org.stttt])
    with pytest.raises(ValidationFailed):
        make_rules(org, must_stay_home=[org.snv_clerk], must_come_in=[org.snv_clerk])
    with pytest.raises(ValidationFailed):
        make_rules(org, name="   ")
    assert RuleSet.objects.count() == 0
    # the province administrator may set rules for both departments
    rule_set = make_rules(org, actor=org.admin.user, scope_agencies=[org.snv, org.stttt])
    assert set(selectors.scope_agencies(rule_set)) == {org.snv, org.stttt}
    # a department in the scope sees its own part of it, and may not change it
    assert selectors.get_rule_set(org.stttt_leader.user, rule_set.pk) == rule_set
    assert selectors.part_of(org.stttt_leader.user, rule_set) == {org.stttt.pk}
    assert selectors.part_of(org.admin.user, rule_set) is None
    with pytest.raises(Forbidden):
        services.rule_set_save(actor=org.stttt_leader.user, rule_set=rule_set, name="Khác", period_start=START,
                               period_end=END, scope_agencies=[org.stttt], ratio=None)
    rule_set.refresh_from_db()
    assert rule_set.name != "Khác"
    own = make_rules(org, name="Riêng SNV")
    with pytest.raises(NotFound):
        selectors.get_rule_set(org.stttt_leader.user, own.pk)


@pytest.mark.parametrize("text,value", [("1/3", Fraction(1, 3)), ("50%", Fraction(1, 2)), ("0,5", Fraction(1, 2)),
                                        (" 1 / 3 ", Fraction(1, 3)), ("", None), ("0", Fraction(0)), ("1", 1)])
def test_parse_ratio(text, value):
    assert services.parse_ratio(text) == value


@pytest.mark.parametrize("text", ["1/0", "2", "-1/3", "150%", "abc", "1/3/4", "1e999", "x" * 50, "NaN"])
def test_parse_ratio_refuses(text):
    with pytest.raises(ValidationFailed):
        services.parse_ratio(text)


def test_hand_adjustment_checked_and_refused(org, django_capture_on_commit_callbacks):
    plan = solve(org, make_rules(org), django_capture_on_commit_callbacks)
    # putting the specialist on site breaks the cap of 1
    violations = services.check_change(plan=plan, staff=org.snv_specialist, day=START, on_site=True)
    assert violations and violations[0].code == "cap"
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_change(actor=org.snv_leader.user, plan=plan, staff=org.snv_specialist, day=START,
                                   on_site=True)
    assert "vượt trần 1" in str(exc.value)
    assert not Assignment.objects.get(plan=plan, staff=org.snv_specialist, day=START).on_site
    # sending the clerk home leaves the desk uncovered
    with pytest.raises(ValidationFailed):
        services.assignment_change(actor=org.snv_leader.user, plan=plan, staff=org.snv_clerk, day=START,
                                   on_site=False)
    with pytest.raises(ValidationFailed):  # a Saturday is not in the period's working days
        services.check_change(plan=plan, staff=org.snv_clerk, day=dt.date(2026, 12, 5), on_site=True)
    with pytest.raises(Forbidden):
        services.assignment_change(actor=org.snv_specialist.user, plan=plan, staff=org.snv_clerk, day=START,
                                   on_site=False)
    # a change that holds every rule goes through, with an audit event
    rule_set = plan.rule_set
    rule_set.cover.all().delete()
    services.assignment_change(actor=org.snv_leader.user, plan=plan, staff=org.snv_clerk, day=START, on_site=False)
    assert not Assignment.objects.get(plan=plan, staff=org.snv_clerk, day=START).on_site
    assert AuditEvent.objects.filter(action="workforce.plan.adjust", object_id=str(plan.pk)).count() == 1


def test_checkin_is_idempotent(org):
    staff = org.snv_specialist
    first, created = services.checkin(staff=staff, mode="home", ip="10.0.0.1", latitude="13.98",
                                      longitude="108.0", idempotency_key="k1")
    assert created and first.latitude is not None
    again, created = services.checkin(staff=staff, mode="home", idempotency_key="k1")
    assert not created and again.pk == first.pk
    same_day, created = services.checkin(staff=staff, mode="home", idempotency_key="k2")
    assert not created and same_day.pk == first.pk
    assert CheckIn.objects.filter(staff=staff).count() == 1
    out = services.checkout(staff=staff)
    assert out.time_out is not None
    assert services.checkout(staff=staff).time_out == out.time_out  # repeat changes nothing


def test_checkin_refuses_bad_input(org):
    staff = org.snv_specialist
    for kwargs in ({"mode": "beach"}, {"mode": "home", "latitude": "91"}, {"mode": "home", "longitude": "abc"},
                   {"mode": "home", "latitude": "NaN"}, {"mode": "onsite"}, {"mode": "onsite", "room": org.stttt_room},
                   {"mode": "home", "idempotency_key": "k" * 101}):
        with pytest.raises(ValidationFailed):
            services.checkin(staff=staff, **kwargs)
    with pytest.raises(Conflict):
        services.checkout(staff=staff)
    with pytest.raises(Forbidden):
        services.checkin(staff=None, mode="home")
    assert CheckIn.objects.count() == 0
    check, created = services.checkin(staff=staff, mode="onsite", room=org.snv_room)
    assert created and check.room == org.snv_room


def test_room_token_round_trip_and_tamper(org):
    token = selectors.room_token(org.snv_room)
    assert selectors.room_from_token(token) == org.snv_room
    for bad in (token[:-2] + "xx", "", "abc", "x" * 5000):
        with pytest.raises(NotFound):
            selectors.room_from_token(bad)


def test_attendance_expected_against_actual(org, django_capture_on_commit_callbacks):
    plan = solve(org, make_rules(org), django_capture_on_commit_callbacks)
    services.plan_publish(actor=org.snv_leader.user, plan=plan)
    day = START
    at = timezone.make_aware(dt.datetime(2026, 12, 1, 8, 0))
    services.checkin(staff=org.snv_specialist, mode="onsite", room=org.snv_room, at=at)  # planned at home
    services.checkin(staff=org.snv_clerk, mode="onsite", room=org.snv_room, at=at)
    rows = {r["staff"].pk: r for r in selectors.attendance_day(org.snv_leader.user, agency=org.snv, day=day)}
    assert rows[org.snv_specialist.pk]["onsite_unplanned"]
    assert not rows[org.snv_clerk.pk]["onsite_unplanned"] and not rows[org.snv_clerk.pk]["missing"]
    assert rows[org.snv_leader.pk]["missing"]
    sheet = selectors.monthly_sheet(org.snv_leader.user, agency=org.snv, unit=None, year=2026, month=12)
    by_staff = {r["staff"].pk: r for r in sheet["rows"]}
    assert by_staff[org.snv_clerk.pk]["cells"][0] == "T"
    assert by_staff[org.snv_clerk.pk]["onsite"] == 1
    assert sheet["working_days"] == 23  # December 2026: 23 weekdays, no public holiday


def test_text_is_nfc_and_progress_polls_while_solving(org, client):
    import unicodedata

    rule_set = make_rules(org, name=unicodedata.normalize("NFD", "Kỳ làm việc tháng Mười Hai"),
                          legal_basis=unicodedata.normalize("NFD", "Công văn số 1045/VP-NC"))
    assert rule_set.name == "Kỳ làm việc tháng Mười Hai" and rule_set.legal_basis == "Công văn số 1045/VP-NC"
    plan = services.plan_start(actor=org.snv_leader.user, rule_set=rule_set, time_limit=5)  # not committed yet
    assert plan.status == Plan.Status.SOLVING
    client.force_login(org.snv_leader.user)
    body = client.get(f"/lich-lam-viec/phuong-an/{plan.pk}/tien-do/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in body and "Đang lập" in body
    assert services.plan_solve(plan_id=plan.pk).status == Plan.Status.READY  # what the task does
    assert services.plan_solve(plan_id=plan.pk).status == Plan.Status.READY  # a repeat changes nothing
