"""Pages and API of the workforce app: authorization, hostile input, the whole flow through the client."""

import datetime as dt
import io
import re
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congvu.accounts.services import token_create
from congvu.org.models import Role
from congvu.workforce import selectors, services
from congvu.workforce.models import Assignment, CheckIn, Plan, RuleSet

pytestmark = pytest.mark.django_db

START = dt.date(2026, 12, 1)
END = dt.date(2026, 12, 4)


def login(client, staff):
    client.force_login(staff.user)


def make_plan(org, captured, publish=False):
    rule_set = services.rule_set_save(actor=org.snv_leader.user, name="Quy tắc SNV", period_start=START,
                                      period_end=END, scope_agencies=[org.snv], ratio=Fraction(1, 2),
                                      max_per_room=2, cover=[(org.snv, Role.VAN_THU, 1)])
    with captured(execute=True):
        plan = services.plan_start(actor=org.snv_leader.user, rule_set=rule_set, time_limit=5)
    plan.refresh_from_db()
    if publish:
        services.plan_publish(actor=org.snv_leader.user, plan=plan)
        plan.refresh_from_db()
    return plan


RULES_POST = {"name": "Tối đa 1/3 tại trụ sở", "legal_basis": "Công văn 1045/VP-NC", "period_start": "01/12/2026",
              "period_end": "04/12/2026", "ratio": "1/2", "max_per_room": "2", "cohorts": "",
              "cover-0-agency": "*", "cover-0-role": "van_thu", "cover-0-min_onsite": "1"}


def test_anonymous_is_sent_to_login(client, org):
    for name in ("workforce:index", "workforce:rules_create", "workforce:my_schedule", "workforce:checkin",
                 "workforce:attendance", "workforce:attendance_month", "workforce:room_codes"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_rules_form_creates_and_shows_errors(client, org):
    login(client, org.snv_leader)
    response = client.get(reverse("workforce:rules_create"))
    assert response.status_code == 200 and "Đặt quy tắc làm việc" in response.content.decode()
    bad = dict(RULES_POST, period_start="30/02/2026", ratio="3/2", scope_agencies=[org.snv.pk])
    response = client.post(reverse("workforce:rules_create"), bad)
    body = response.content.decode()
    assert response.status_code == 400 and "error-summary" in body
    assert "Nhập ngày theo dạng 25/03/2020" in body and "Tỷ lệ phải từ 0 đến 1" in body
    assert 'value="Tối đa 1/3 tại trụ sở"' in body  # input kept
    # another agency is not offered, and posting it is refused
    response = client.post(reverse("workforce:rules_create"), dict(RULES_POST, scope_agencies=[org.stttt.pk]))
    assert response.status_code == 400 and RuleSet.objects.count() == 0
    response = client.post(reverse("workforce:rules_create"), dict(RULES_POST, scope_agencies=[org.snv.pk],
                                                                   cohorts="Nhóm A: KHONGCO1"))
    assert "KHONGCO1" in response.content.decode() and RuleSet.objects.count() == 0
    cohorts = f"Nhóm A: {org.snv_specialist.employee_code}"
    response = client.post(reverse("workforce:rules_create"), dict(RULES_POST, scope_agencies=[org.snv.pk],
                                                                   cohorts=cohorts))
    assert response.status_code == 302
    rule_set = RuleSet.objects.get()
    assert rule_set.ratio == Fraction(1, 2) and rule_set.cover.get().role.code == Role.VAN_THU
    assert rule_set.cohorts.get().members.get() == org.snv_specialist


def test_specialist_cannot_manage(client, org, django_capture_on_commit_callbacks):
    plan = make_plan(org, django_capture_on_commit_callbacks)
    login(client, org.snv_specialist)
    assert client.get(reverse("workforce:rules_create")).status_code == 403
    assert client.post(reverse("workforce:rules_create"), dict(RULES_POST, scope_agencies=[org.snv.pk])
                       ).status_code == 403
    assert client.post(reverse("workforce:plan_start", args=[plan.rule_set.pk]), {"time_limit": 5}).status_code == 403
    assert client.post(reverse("workforce:plan_publish", args=[plan.pk])).status_code == 403
    assert client.post(reverse("workforce:plan_adjust", args=[plan.pk]), {}).status_code == 403
    assert client.get(reverse("workforce:attendance")).status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.READY and Plan.objects.count() == 1


def test_other_agency_gets_404_and_nothing_changes(client, org, django_capture_on_commit_callbacks):
    plan = make_plan(org, django_capture_on_commit_callbacks)
    login(client, org.stttt_leader)
    for url in (reverse("workforce:plan_detail", args=[plan.pk]), reverse("workforce:plan_export", args=[plan.pk]),
                reverse("workforce:rules_detail", args=[plan.rule_set.pk]),
                reverse("workforce:plan_progress", args=[plan.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("workforce:plan_publish", args=[plan.pk])).status_code == 404
    assert client.post(reverse("workforce:plan_start", args=[plan.rule_set.pk]), {"time_limit": 5}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == Plan.Status.READY and Plan.objects.count() == 1


def test_plan_pages_run_publish_adjust_export(client, org, django_capture_on_commit_callbacks):
    login(client, org.snv_leader)
    client.post(reverse("workforce:rules_create"), dict(RULES_POST, scope_agencies=[org.snv.pk]))
    rule_set = RuleSet.objects.get()
    assert client.get(reverse("workforce:rules_detail", args=[rule_set.pk])).status_code == 200
    assert client.post(reverse("workforce:plan_start", args=[rule_set.pk]), {"time_limit": "abc"}).status_code == 302
    assert Plan.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:plan_start", args=[rule_set.pk]), {"time_limit": 5})
    plan = Plan.objects.get()
    assert response["Location"] == reverse("workforce:plan_detail", args=[plan.pk])
    for view in ("ngay", "phong", "nguoi"):
        body = client.get(reverse("workforce:plan_detail", args=[plan.pk]) + f"?xem={view}").content.decode()
        assert "Sẵn sàng" in body
    progress = client.get(reverse("workforce:plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    # live check (htmx) and a refused change
    data = {"staff": org.snv_specialist.pk, "day": START.isoformat(), "on_site": "1"}
    live = client.post(reverse("workforce:plan_adjust", args=[plan.pk]), dict(data, check="1"))
    assert live.status_code == 200 and "vượt trần 1" in live.content.decode()
    refused = client.post(reverse("workforce:plan_adjust", args=[plan.pk]), data)
    assert refused.status_code == 400 and "Không điều chỉnh được" in refused.content.decode()
    assert not Assignment.objects.get(plan=plan, staff=org.snv_specialist, day=START).on_site
    odd = client.post(reverse("workforce:plan_adjust", args=[plan.pk]), dict(data, day="2026-12-05", check="1"))
    assert odd.status_code == 200 and "Chọn cán bộ" in odd.content.decode()
    ok = client.post(reverse("workforce:plan_adjust", args=[plan.pk]),
                     {"staff": org.snv_specialist.pk, "day": START.isoformat(), "on_site": "0", "check": "1"})
    assert "Hợp lệ" in ok.content.decode()
    # publish and export
    client.post(reverse("workforce:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    export = client.get(reverse("workforce:plan_export", args=[plan.pk]))
    wb = load_workbook(io.BytesIO(export.content))
    ws = wb["Theo người"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    clerk = next(r for r in rows if r[1] == org.snv_clerk.full_name)
    assert clerk[5:9] == ("T", "T", "T", "T")


def test_my_schedule_and_checkin_pages(client, org, django_capture_on_commit_callbacks, settings):
    make_plan(org, django_capture_on_commit_callbacks, publish=True)
    login(client, org.snv_clerk)
    body = client.get(reverse("workforce:my_schedule") + "?tu=01/12/2026").content.decode()
    assert body.count("Tại trụ sở") == 4 and "01/12/2026" in body
    assert client.get(reverse("workforce:my_schedule") + "?tu=hôm-qua").status_code == 200
    response = client.post(reverse("workforce:checkin"), {"action": "home", "latitude": "13.98",
                                                          "longitude": "108.00", "idempotency_key": "tap-1"})
    assert response.status_code == 302
    client.post(reverse("workforce:checkin"), {"action": "home", "idempotency_key": "tap-1"})  # double tap
    assert CheckIn.objects.filter(staff=org.snv_clerk).count() == 1
    bad = client.post(reverse("workforce:checkin"), {"action": "home", "latitude": "999"})
    assert bad.status_code == 400 and "Tọa độ không hợp lệ" in bad.content.decode()
    assert client.post(reverse("workforce:checkin"), {"action": "fly"}).status_code == 400
    assert client.post(reverse("workforce:checkin"), {"action": "out"}).status_code == 302
    assert CheckIn.objects.get(staff=org.snv_clerk).time_out is not None


def test_room_qr_checkin(client, org):
    login(client, org.snv_leader)
    codes = client.get(reverse("workforce:room_codes"))
    assert codes.status_code == 200
    svg = client.get(reverse("workforce:room_qr", args=[org.snv_room.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("workforce:room_qr", args=[org.stttt_room.pk])).status_code == 404
    token = selectors.room_token(org.snv_room)
    url = reverse("workforce:checkin_room", args=[token])
    client.logout()
    login(client, org.snv_specialist)
    assert client.get(url).status_code == 200
    assert client.post(url, {"idempotency_key": "qr-1"}).status_code == 302
    assert client.post(url, {"idempotency_key": "qr-1"}).status_code == 302
    check = CheckIn.objects.get(staff=org.snv_specialist)
    assert check.mode == "onsite" and check.room == org.snv_room
    assert client.get(reverse("workforce:checkin_room", args=[token[:-3] + "abc"])).status_code == 404
    client.logout()
    login(client, org.stttt_specialist)  # another agency's room
    assert client.post(url, {}).status_code == 404
    assert not CheckIn.objects.filter(staff=org.stttt_specialist).exists()


def test_attendance_pages_and_month_export(client, org, django_capture_on_commit_callbacks):
    make_plan(org, django_capture_on_commit_callbacks, publish=True)
    services.checkin(staff=org.snv_specialist, mode="home")
    login(client, org.snv_leader)
    body = client.get(reverse("workforce:attendance")).content.decode()
    assert "Theo dõi điểm danh" in body and org.snv_specialist.full_name in body
    assert client.get(reverse("workforce:attendance") + "?ngay=xx&co_quan=abc").status_code == 200
    # another agency's id is ignored: the leader's own agency is shown
    body = client.get(reverse("workforce:attendance") + f"?co_quan={org.stttt.pk}").content.decode()
    assert f'data-staff="{org.stttt_specialist.pk}"' not in body and f'data-staff="{org.snv_clerk.pk}"' in body
    month = client.get(reverse("workforce:attendance_month") + "?thang=13&nam=abc")
    assert month.status_code == 200
    export = client.get(reverse("workforce:attendance_month") + "?excel=1")
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.active["A1"].value.startswith("Bảng chấm công tháng")


def test_home_work_queue_panel(client, org, django_capture_on_commit_callbacks):
    make_plan(org, django_capture_on_commit_callbacks)
    login(client, org.snv_leader)
    body = client.get("/").content.decode()
    assert "Phương án chờ công bố" in body


# --- API ------------------------------------------------------------------------------------------------
def bearer(staff):
    _token, raw = token_create(user=staff.user, name="mobile")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_checkin_idempotent(client, org):
    headers = bearer(org.snv_specialist)
    first = client.post("/api/v1/workforce/checkin", {"mode": "home", "latitude": 13.98, "longitude": 108.0},
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-1", **headers)
    assert first.status_code == 201 and first.json()["created"] is True
    again = client.post("/api/v1/workforce/checkin", {"mode": "home"}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="tap-1", **headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    no_key = client.post("/api/v1/workforce/checkin", {"mode": "home"}, content_type="application/json", **headers)
    assert no_key.status_code == 200 and no_key.json()["id"] == first.json()["id"]
    assert CheckIn.objects.count() == 1
    out = client.post("/api/v1/workforce/checkout", **headers)
    assert out.status_code == 200 and out.json()["time_out"]


@pytest.mark.parametrize("body,status", [
    ({"mode": "beach"}, 422), ({"mode": "home", "latitude": 200}, 422), ({"mode": "home", "latitude": "abc"}, 422),
    ({}, 422), ({"mode": "onsite"}, 400), ({"mode": "onsite", "room_token": "forged"}, 404),
    ({"mode": "home", "room_token": "x" * 501}, 422),
])
def test_api_checkin_bad_input(client, org, body, status):
    response = client.post("/api/v1/workforce/checkin", body, content_type="application/json",
                           **bearer(org.snv_specialist))
    assert response.status_code == status
    assert "error" in response.json()
    assert CheckIn.objects.count() == 0


def test_api_checkin_malformed_json_and_auth(client, org):
    response = client.post("/api/v1/workforce/checkin", "{not json", content_type="application/json",
                           **bearer(org.snv_specialist))
    assert response.status_code in (400, 422)
    assert client.post("/api/v1/workforce/checkin", {"mode": "home"},
                       content_type="application/json").status_code == 401
    assert client.post("/api/v1/workforce/checkout", **bearer(org.snv_specialist)).status_code == 409
    assert CheckIn.objects.count() == 0


def test_api_onsite_with_room_token(client, org):
    token = selectors.room_token(org.snv_room)
    response = client.post("/api/v1/workforce/checkin", {"mode": "onsite", "room_token": token},
                           content_type="application/json", **bearer(org.snv_specialist))
    assert response.status_code == 201 and response.json()["room_id"] == org.snv_room.pk
    other = client.post("/api/v1/workforce/checkin", {"mode": "onsite", "room_token": token},
                        content_type="application/json", **bearer(org.stttt_specialist))
    assert other.status_code == 400


def test_api_schedule_and_plans_scoped(client, org, django_capture_on_commit_callbacks):
    plan = make_plan(org, django_capture_on_commit_callbacks, publish=True)
    headers = bearer(org.snv_clerk)
    schedule = client.get("/api/v1/workforce/my-schedule?start=2026-12-01&end=2026-12-31", **headers).json()
    assert [d["day"] for d in schedule] == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    assert all(d["on_site"] for d in schedule)
    assert client.get("/api/v1/workforce/my-schedule?start=2026-12-31&end=2026-12-01", **headers).status_code == 400
    assert client.get("/api/v1/workforce/my-schedule?start=31/12", **headers).status_code == 422
    detail = client.get(f"/api/v1/workforce/plans/{plan.pk}", **headers).json()
    assert detail["status"] == "published" and len(detail["days"]) == 4
    assert all(ids == [org.snv_clerk.pk] for ids in detail["days"].values())
    other = bearer(org.stttt_clerk)
    assert client.get(f"/api/v1/workforce/plans/{plan.pk}", **other).status_code == 404
    assert client.get("/api/v1/workforce/plans", **other).json() == []
    assert re.match(r"\d+", str(client.get("/api/v1/workforce/plans", **headers).json()[0]["id"]))


def test_preferences_page_and_solver_honours_them(client, org, django_capture_on_commit_callbacks):
    rule_set = services.rule_set_save(actor=org.snv_leader.user, name="Kỳ tháng 12", period_start=START,
                                      period_end=END, scope_agencies=[org.snv], ratio=Fraction(1, 2))
    login(client, org.snv_specialist)
    url = reverse("workforce:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"rule_set": rule_set.pk, "day": "05/12/2026", "on_site": "1"})  # a Saturday
    assert response.status_code == 400 and "Chọn một ngày làm việc" in response.content.decode()
    assert client.post(url, {"rule_set": rule_set.pk, "day": "ngày mai", "on_site": "1"}).status_code == 400
    assert client.post(url, {"rule_set": rule_set.pk, "day": "02/12/2026", "on_site": "1"}).status_code == 302
    assert client.post(url, {"action": "delete", "pk": "abc"}).status_code == 404
    pref = rule_set.preferences.get()
    assert pref.staff == org.snv_specialist and pref.on_site
    # another agency's person cannot see or use this period
    client.force_login(org.stttt_specialist.user)
    assert client.post(url, {"rule_set": rule_set.pk, "day": "02/12/2026", "on_site": "1"}).status_code == 400
    assert client.post(url, {"action": "delete", "pk": str(pref.pk)}).status_code == 404
    assert rule_set.preferences.count() == 1
    # the solver gives the specialist the one place on 02/12
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_start(actor=org.snv_leader.user, rule_set=rule_set, time_limit=5)
    onsite = selectors.plan_onsite(Plan.objects.get(pk=plan.pk))
    assert onsite[dt.date(2026, 12, 2)] == [str(org.snv_specialist.pk)]


def test_rules_edit_page_keeps_values(client, org):
    rule_set = services.rule_set_save(actor=org.snv_leader.user, name="Kỳ cũ", period_start=START, period_end=END,
                                      scope_agencies=[org.snv], ratio=Fraction(1, 3), max_per_room=2,
                                      cover=[(org.snv, Role.VAN_THU, 1)])
    login(client, org.snv_leader)
    body = client.get(reverse("workforce:rules_edit", args=[rule_set.pk])).content.decode()
    assert 'value="1/3"' in body and 'value="01/12/2026"' in body
    response = client.post(reverse("workforce:rules_edit", args=[rule_set.pk]),
                           dict(RULES_POST, name="Kỳ mới", ratio="50%", scope_agencies=[org.snv.pk]))
    assert response.status_code == 302
    rule_set.refresh_from_db()
    assert rule_set.name == "Kỳ mới" and rule_set.ratio == Fraction(1, 2) and RuleSet.objects.count() == 1
    client.force_login(org.stttt_leader.user)
    assert client.get(reverse("workforce:rules_edit", args=[rule_set.pk])).status_code == 404


def test_demo_loader_is_idempotent(db):
    from congvu.org import demo as org_demo
    from congvu.workforce import demo

    org_demo.load()
    first = demo.load(time_limit=3)
    assert first["rule_sets"] == 1 and first["status"] == "published", first
    assert demo.load() == {"rule_sets": 0, "plans": 0}
    assert Plan.objects.count() == 1 and Plan.objects.get().status == Plan.Status.PUBLISHED


def test_province_plan_filtered_by_agency(client, org, django_capture_on_commit_callbacks, settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = []  # the administrator's second factor is tested in accounts
    rule_set = services.rule_set_save(actor=org.admin.user, name="Toàn tỉnh", period_start=START, period_end=END,
                                      scope_agencies=[org.snv, org.stttt], ratio=Fraction(1, 3),
                                      cover=[(org.snv, Role.LANH_DAO, 1), (org.stttt, Role.LANH_DAO, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_start(actor=org.admin.user, rule_set=rule_set, time_limit=5)
    client.force_login(org.admin.user)
    url = reverse("workforce:plan_detail", args=[plan.pk])
    body = client.get(url + "?xem=nguoi").content.decode()
    assert f'data-staff="{org.snv_leader.pk}"' in body and f'data-staff="{org.stttt_leader.pk}"' in body
    body = client.get(url + f"?xem=nguoi&co_quan={org.stttt.pk}").content.decode()
    assert f'data-staff="{org.snv_leader.pk}"' not in body and f'data-staff="{org.stttt_leader.pk}"' in body
    assert client.get(url + "?xem=phong&co_quan=xyz").status_code == 200


def test_plan_page_query_count_does_not_grow_with_staff(client, org, django_capture_on_commit_callbacks,
                                                          django_assert_max_num_queries):
    import factories

    for i in range(12):
        factories.StaffFactory(agency=org.snv, unit=org.snv_unit, room=org.snv_room, roles=[Role.CHUYEN_VIEN],
                               user__username=f"them.{i}")
    plan = make_plan(org, django_capture_on_commit_callbacks)
    login(client, org.snv_leader)
    for view in ("ngay", "phong", "nguoi"):
        with django_assert_max_num_queries(25):
            assert client.get(reverse("workforce:plan_detail", args=[plan.pk]) + f"?xem={view}").status_code == 200


def test_work_queue_reminds_to_check_in(client, org):
    from django.utils import timezone

    today = timezone.localdate()
    rule_set = services.rule_set_save(actor=org.snv_leader.user, name="Hôm nay", period_start=today,
                                      period_end=today, scope_agencies=[org.snv], ratio=Fraction(1))
    plan = Plan.objects.create(rule_set=rule_set, agency=org.snv, status=Plan.Status.PUBLISHED,
                               published_at=timezone.now())
    Assignment.objects.create(plan=plan, staff=org.snv_specialist, day=today, on_site=False)
    login(client, org.snv_specialist)
    body = client.get("/").content.decode()
    assert "Bạn chưa điểm danh hôm nay" in body and "Làm việc tại nhà" in body
    panel = body[body.index("Bạn chưa điểm danh hôm nay") - 2000:body.index("Bạn chưa điểm danh hôm nay")]
    assert '<th scope="col">Ngày</th>' in panel and "Hạn xử lý" not in panel  # schedule rows have days, not deadlines
    services.checkin(staff=org.snv_specialist, mode="home")
    assert "Bạn chưa điểm danh hôm nay" not in client.get("/").content.decode()
