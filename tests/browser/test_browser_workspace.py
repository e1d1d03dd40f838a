"""A person logs in with a real browser and reaches the workspace."""

import re

import pytest

from factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]


def _login(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_login_reaches_workspace(page, org):
    _login(page, "chuyenvien.snv")
    page.wait_for_url(re.compile(r".*/$"))
    assert page.locator("#me-name").inner_text() == "Phạm Minh Chuyên"
    assert page.locator("#me-agency").inner_text() == "Sở Nội vụ"
    assert page.get_by_role("navigation", name="Điều hướng chính").is_visible()
    page.get_by_role("link", name="Tổ chức").click()
    assert page.get_by_role("heading", name="Tổ chức", level=1).is_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))


def test_wrong_password_shows_error_summary(page, org):
    _login(page, "chuyenvien.snv", "sai-mat-khau")
    summary = page.get_by_role("alert")
    assert "không đúng" in summary.inner_text()
    assert page.get_by_label("Tên đăng nhập").input_value() == "chuyenvien.snv"  # input kept
