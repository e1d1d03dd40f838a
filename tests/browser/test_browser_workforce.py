"""The roster flow in a real browser: set rules → run → adjust (live check) → publish → staff sees the
schedule → check-in."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congvu.workforce.models import CheckIn, Plan

from factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_rules_run_publish_schedule_checkin(page, org):
    today = timezone.localdate()
    _login(page, "lanhdao.snv")
    page.goto("/lich-lam-viec/quy-tac/moi/")
    page.get_by_label("Tên bộ quy tắc").fill("Tối đa 1/2 tại trụ sở")
    page.get_by_label("Từ ngày").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Đến ngày").fill((today + dt.timedelta(days=13)).strftime("%d/%m/%Y"))
    page.get_by_role("group", name="Phạm vi và giới hạn").get_by_label("Sở Nội vụ").first.check()
    page.get_by_label("Tỷ lệ tối đa làm việc tại trụ sở mỗi ngày").fill("1/2")
    page.get_by_label("Tối đa số người mỗi phòng").fill("2")
    # cover rows: the leader row of the defaults is removed, one row for SNV's clerk is added (htmx)
    page.locator("#id_cover-1-delete").check()
    page.get_by_role("button", name="Thêm dòng").click()
    expect(page.locator("#cover-rows tr")).to_have_count(4)
    page.locator("#id_cover-3-agency").select_option(label="Sở Nội vụ")
    page.locator("#id_cover-3-role").select_option(value="van_thu")
    page.locator("#id_cover-3-min_onsite").fill("1")
    page.get_by_role("button", name="Thêm dòng").click()  # the button was replaced: it adds row 4
    expect(page.locator("#id_cover-4-agency")).to_be_visible()
    page.get_by_role("button", name="Lưu quy tắc").click()
    assert page.locator("#ratio").inner_text() == "1/2"
    assert page.locator("#cover-list").inner_text() == "SNV: Văn thư ≥ 1"

    page.get_by_label("Thời gian tính toán tối đa (giây)").fill("5")
    page.get_by_role("button", name="Lập phương án").click()
    page.wait_for_url(re.compile(r".*/phuong-an/\d+/$"))
    assert page.locator("#plan-status").inner_text() == "Sẵn sàng"

    # a hand change that breaks the cap is flagged live (htmx) and refused
    page.get_by_label("Cán bộ").select_option(label=f"{org.snv_specialist.full_name} "
                                                    f"({org.snv_specialist.employee_code}, SNV)")
    page.get_by_label("Hình thức").select_option(label="Tại nhà")
    expect(page.locator("#adjust-check")).to_contain_text("Hợp lệ")
    page.get_by_label("Hình thức").select_option(label="Tại trụ sở")
    expect(page.locator("#adjust-check")).to_contain_text("vượt trần 1")
    page.get_by_role("button", name="Lưu điều chỉnh").click()
    assert "Không điều chỉnh được" in page.get_by_role("alert").first.inner_text()

    page.get_by_role("button", name="Công bố phương án").click()
    assert page.locator("#plan-status").inner_text() == "Đã công bố"
    assert Plan.objects.get().status == Plan.Status.PUBLISHED
    page.get_by_role("button", name="Đăng xuất").click()

    _login(page, "vanthu.snv")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Lịch làm việc").click()
    assert page.get_by_role("heading", name="Lịch làm việc của tôi").is_visible()
    rows = page.locator("#my-schedule tbody tr")
    assert rows.count() >= 1
    assert "Tại trụ sở" in rows.first.inner_text()  # the clerk's desk is covered every working day

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Điểm danh").click()
    page.get_by_role("button", name="Điểm danh làm việc tại nhà").click()
    assert "Đã điểm danh làm việc tại nhà" in page.get_by_role("status").first.inner_text()
    assert "Tại nhà" in page.locator("#today-checkins").inner_text()
    check = CheckIn.objects.get(staff=org.snv_clerk)
    assert check.mode == "home" and check.ip


def test_department_reviews_and_adjusts_its_part_of_a_province_plan(page, org):
    from fractions import Fraction

    from congvu.org.models import Role
    from congvu.workforce import services
    from congvu.workforce.models import Assignment

    today = timezone.localdate()
    rule_set = services.rule_set_save(
        actor=org.admin.user, name="Toàn tỉnh", period_start=today, period_end=today + dt.timedelta(days=6),
        scope_agencies=[org.snv, org.stttt], ratio=Fraction(2, 3),
        cover=[(org.snv, Role.LANH_DAO, 1), (org.stttt, Role.LANH_DAO, 1)])
    plan = Plan.objects.create(rule_set=rule_set, agency=rule_set.agency, time_limit=5)
    services.PLAN_FLOW.apply(plan, "start", actor=org.admin.user)
    plan = services.plan_solve(plan_id=plan.pk)
    assert plan.status == Plan.Status.READY

    _login(page, "lanhdao.snv")
    page.goto("/lich-lam-viec/")
    page.get_by_role("link", name=re.compile(r"Toàn tỉnh #\d+")).click()
    expect(page.locator("#part-note")).to_contain_text("Ủy ban nhân dân tỉnh Thử Nghiệm")
    assert page.get_by_role("button", name="Công bố phương án").count() == 0
    page.get_by_role("link", name="Theo người").click()
    shown = {int(x) for x in page.locator("#by-person tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.staff)")}
    assert shown == {org.snv_clerk.pk, org.snv_leader.pk, org.snv_specialist.pk}
    # only SNV's people can be chosen; the live check names SNV's rule
    options = page.get_by_label("Cán bộ").locator("option").all_inner_texts()
    assert not any("STTTT" in o for o in options)
    page.get_by_label("Cán bộ").select_option(label=f"{org.snv_leader.full_name} ({org.snv_leader.employee_code}, SNV)")
    page.get_by_label("Hình thức").select_option(label="Tại nhà")
    expect(page.locator("#adjust-check")).to_contain_text("SNV: chỉ có 0 lãnh đạo")
    assert Assignment.objects.filter(plan=plan, staff=org.snv_leader, on_site=False).count() == 0
