"""A plan the province makes for many agencies: each department sees, adjusts and exports its own part
only; rules, runs and publishing stay with the province."""

import datetime as dt
import io
import re
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congvu.accounts.services import token_create
from congvu.core.errors import Forbidden, NotFound
from congvu.org.models import Role
from congvu.workforce import selectors, services
from congvu.workforce.models import Assignment, Plan, RuleSet

pytestmark = pytest.mark.django_db

START = dt.date(2026, 12, 1)
END = dt.date(2026, 12, 4)


@pytest.fixture
def province_plan(org, django_capture_on_commit_callbacks, settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = []  # the administrator's second factor is tested in accounts
    rule_set = services.rule_set_save(
        actor=org.admin.user, name="Toàn tỉnh tháng 12", period_start=START, period_end=END,
        scope_agencies=[org.snv, org.stttt], ratio=Fraction(2, 3), must_stay_home=[org.stttt_specialist],
        cover=[(org.snv, Role.LANH_DAO, 1), (org.stttt, Role.VAN_THU, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_start(actor=org.admin.user, rule_set=rule_set, time_limit=5)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.READY and plan.agency == org.root
    return plan


def staff_ids(body: str) -> set[int]:
    return {int(x) for x in re.findall(r'data-staff="(\d+)"', body)}


def snv_ids(org):
    return {org.snv_clerk.pk, org.snv_leader.pk, org.snv_specialist.pk}


def stttt_ids(org):
    return {org.stttt_clerk.pk, org.stttt_leader.pk, org.stttt_specialist.pk}


def test_department_sees_its_part_of_a_province_plan(client, org, province_plan):
    plan = province_plan
    client.force_login(org.snv_leader.user)
    index = client.get(reverse("workforce:index")).content.decode()
    assert "Toàn tỉnh tháng 12" in index and "Phần của cơ quan bạn" in index
    url = reverse("workforce:plan_detail", args=[plan.pk])
    for view in ("ngay", "phong", "nguoi"):
        body = client.get(url + f"?xem={view}").content.decode()
        assert "part-note" in body and "Công bố phương án" not in body
        shown = staff_ids(body)
        assert shown and shown <= snv_ids(org), view
        assert "STTTT" not in body
    grid = staff_ids(client.get(url + "?xem=nguoi").content.decode())
    assert grid == snv_ids(org)
    # asking for another agency's part shows one's own part (the filter offers only one's own agency)
    body = client.get(url + f"?xem=nguoi&co_quan={org.stttt.pk}").content.decode()
    assert staff_ids(body) == snv_ids(org)
    # the rules: own part only
    rules = client.get(reverse("workforce:rules_detail", args=[plan.rule_set.pk])).content.decode()
    assert "và 1 cơ quan khác" in rules and "Sở Thông tin" not in rules
    assert "Lãnh đạo cơ quan ≥ 1" in rules and "Văn thư ≥ 1" not in rules
    assert org.stttt_specialist.full_name not in rules  # STTTT's must-stay-home list is not shown
    assert "Lập phương án</button>" not in rules and "Sửa quy tắc" not in rules
    # the Excel export: own people only
    wb = load_workbook(io.BytesIO(client.get(reverse("workforce:plan_export", args=[plan.pk])).content))
    rows = [r for r in wb["Theo người"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(rows) == 3 and {r[3] for r in rows} == {"SNV"}
    # a clerk of the department sees the part too, without the adjusting form
    client.force_login(org.snv_clerk.user)
    body = client.get(url + "?xem=nguoi").content.decode()
    assert staff_ids(body) == snv_ids(org) and "adjust-form" not in body


def test_the_province_sees_the_whole_plan(client, org, province_plan):
    client.force_login(org.admin.user)
    body = client.get(reverse("workforce:plan_detail", args=[province_plan.pk]) + "?xem=nguoi").content.decode()
    assert staff_ids(body) == snv_ids(org) | stttt_ids(org) and "part-note" not in body
    assert "Công bố phương án" in body
    wb = load_workbook(io.BytesIO(client.get(
        reverse("workforce:plan_export", args=[province_plan.pk]) + f"?co_quan={org.stttt.pk}").content))
    rows = [r for r in wb["Theo người"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert {r[3] for r in rows} == {"STTTT"} and "Sở Thông tin" in wb["Theo người"]["A1"].value


def test_department_cannot_publish_run_or_edit_province_rules(client, org, province_plan):
    plan = province_plan
    client.force_login(org.snv_leader.user)
    assert client.post(reverse("workforce:plan_publish", args=[plan.pk])).status_code == 403
    assert client.post(reverse("workforce:plan_start", args=[plan.rule_set.pk]), {"time_limit": 5}).status_code == 403
    assert client.get(reverse("workforce:rules_edit", args=[plan.rule_set.pk])).status_code == 403
    response = client.post(reverse("workforce:rules_edit", args=[plan.rule_set.pk]),
                           {"name": "Đổi tên", "period_start": "01/12/2026", "period_end": "04/12/2026",
                            "scope_agencies": [org.snv.pk]})
    assert response.status_code == 403
    plan.refresh_from_db()
    rule_set = RuleSet.objects.get()
    assert plan.status == Plan.Status.READY and Plan.objects.count() == 1 and rule_set.name == "Toàn tỉnh tháng 12"
    assert set(rule_set.scope_agencies.all()) == {org.snv, org.stttt}
    with pytest.raises(Forbidden):
        services.plan_publish(actor=org.snv_leader.user, plan=plan)
    with pytest.raises(Forbidden):
        services.plan_start(actor=org.snv_leader.user, rule_set=rule_set)
    # the province publishes
    client.force_login(org.admin.user)
    assert client.post(reverse("workforce:plan_publish", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED


def test_department_adjusts_its_own_people_only(client, org, province_plan):
    plan = province_plan
    client.force_login(org.snv_leader.user)
    url = reverse("workforce:plan_adjust", args=[plan.pk])
    before = {(a.staff_id, a.day): a.on_site for a in Assignment.objects.filter(plan=plan)}
    # another agency's person is not a choice of the form, nor accepted by the service
    other = org.stttt_clerk
    response = client.post(url, {"staff": other.pk, "day": START.isoformat(), "on_site": "0"})
    assert response.status_code == 400
    with pytest.raises(NotFound):
        services.assignment_change(actor=org.snv_leader.user, plan=plan, staff=other, day=START, on_site=False)
    assert {(a.staff_id, a.day): a.on_site for a in Assignment.objects.filter(plan=plan)} == before
    # the live check names the department's rules only
    leader_days = dict(Assignment.objects.filter(plan=plan, staff=org.snv_leader).values_list("day", "on_site"))
    assert all(leader_days.values())  # cover: the leader is on site every day
    live = client.post(url, {"staff": org.snv_leader.pk, "day": START.isoformat(), "on_site": "0", "check": "1"})
    body = live.content.decode()
    assert live.status_code == 200 and "lãnh đạo" in body and "SNV" in body and "STTTT" not in body
    # a valid change is saved: a specialist who is on site some day goes home
    spec = Assignment.objects.filter(plan=plan, staff__in=[org.snv_specialist, org.snv_clerk], on_site=True).first()
    ok = client.post(url, {"staff": spec.staff_id, "day": spec.day.isoformat(), "on_site": "0", "check": "1"})
    assert "Hợp lệ" in ok.content.decode()
    response = client.post(url, {"staff": spec.staff_id, "day": spec.day.isoformat(), "on_site": "0"})
    assert response.status_code == 302
    spec.refresh_from_db()
    assert spec.on_site is False


def test_agency_outside_the_scope_gets_404(client, org, province_plan):
    import factories

    outsider_agency = factories.AgencyFactory(code="000.00.03.H99", name="Sở Y tế", short_name="SYT",
                                              parent=org.root)
    outsider = factories.StaffFactory(agency=outsider_agency, roles=[Role.LANH_DAO], user__username="lanhdao.syt")
    plan = province_plan
    client.force_login(outsider.user)
    for url in (reverse("workforce:plan_detail", args=[plan.pk]), reverse("workforce:plan_export", args=[plan.pk]),
                reverse("workforce:rules_detail", args=[plan.rule_set.pk]),
                reverse("workforce:plan_progress", args=[plan.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("workforce:plan_adjust", args=[plan.pk]),
                       {"staff": org.snv_clerk.pk, "day": START.isoformat(), "on_site": "0"}).status_code == 404
    assert client.post(reverse("workforce:plan_publish", args=[plan.pk])).status_code == 404
    assert "Toàn tỉnh" not in client.get(reverse("workforce:index")).content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.READY


def test_api_gives_a_department_its_part(client, org, province_plan):
    _token, raw = token_create(user=org.snv_clerk.user, name="mobile")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert [p["id"] for p in client.get("/api/v1/workforce/plans", **headers).json()] == [province_plan.pk]
    detail = client.get(f"/api/v1/workforce/plans/{province_plan.pk}", **headers).json()
    assert len(detail["days"]) == 4 and detail["part"] is True and detail["conflicts"] == []
    assert set().union(*map(set, detail["days"].values())) <= snv_ids(org)


def test_publish_reminder_and_attendance_of_a_department(client, org, province_plan):
    client.force_login(org.snv_leader.user)
    assert "Phương án chờ công bố" not in client.get("/").content.decode()  # the province publishes, not SNV
    client.force_login(org.admin.user)
    assert "Phương án chờ công bố" in client.get("/").content.decode()
    services.plan_publish(actor=org.admin.user, plan=province_plan)
    client.force_login(org.snv_leader.user)
    body = client.get(reverse("workforce:attendance") + "?ngay=01/12/2026").content.decode()
    planned = dict(Assignment.objects.filter(plan=province_plan, day=START, staff__agency=org.snv)
                   .values_list("staff_id", "on_site"))
    rows = selectors.attendance_day(org.snv_leader.user, agency=org.snv, day=START)
    assert {r["staff"].pk: r["planned"] for r in rows} == planned
    assert "Tại trụ sở" in body and staff_ids(body) == snv_ids(org)


def test_superuser_rules_belong_to_the_common_parent_and_part_figures(client, org, province_plan):
    import factories

    superuser = factories.UserFactory(username="sieu", is_superuser=True)
    rule_set = services.rule_set_save(actor=superuser, name="Của tỉnh", period_start=START, period_end=END,
                                      scope_agencies=[org.stttt, org.snv], ratio=Fraction(1, 2))
    assert rule_set.agency == org.root  # not whichever department was listed first
    single = services.rule_set_save(actor=superuser, name="Một sở", period_start=START, period_end=END,
                                    scope_agencies=[org.stttt], ratio=Fraction(1, 2))
    assert single.agency == org.stttt
    # a department sees the figures of its own part
    figures = selectors.part_figures(province_plan, {org.snv.pk})
    assert figures["onsite_days"] == Assignment.objects.filter(plan=province_plan, staff__agency=org.snv,
                                                               on_site=True).count()
    assert figures["fairness_gap"] == province_plan.stats["fairness_gap_by_agency"][str(org.snv.pk)]
    client.force_login(org.snv_leader.user)
    body = client.get(reverse("workforce:plan_detail", args=[province_plan.pk])).content.decode()
    assert f'<dd id="onsite-days">{figures["onsite_days"]}</dd>' in body and "cơ quan bạn" in body
