"""Workspace pages, error pages, language switch, no 500s on odd input."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_the_person_agency_and_unit(client, org):
    client.force_login(org.snv_specialist.user)
    body = client.get("/").content.decode()
    assert 'id="me-name">Phạm Minh Chuyên<' in body
    assert 'id="me-agency">Sở Nội vụ<' in body
    assert 'id="me-unit">Văn phòng Sở<' in body
    assert 'lang="vi"' in body and "htmx-2.0.11.min.js" in body
    assert 'href="#main"' in body  # skip link


def test_home_for_a_user_without_staff_profile(client, django_user_model):
    user = django_user_model.objects.create_user("ngoai", password="x" * 12)
    client.force_login(user)
    assert "chưa gắn với cán bộ" in client.get("/").content.decode()


def test_organisation_page_is_scoped_and_paginated(client, org):
    client.force_login(org.snv_clerk.user)
    body = client.get("/to-chuc/").content.decode()
    assert "Sở Thông tin và Truyền thông" in body  # the agency tree is shared
    assert "chuyenvien.stttt" not in body
    assert client.get("/to-chuc/?page=abc&q=" + "x" * 500).status_code == 200
    assert client.get("/to-chuc/?page=99999").status_code == 200


def test_404_page_is_friendly(client, org):
    client.force_login(org.snv_clerk.user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404


def test_english_is_available(client, org):
    client.force_login(org.snv_clerk.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body


def test_admin_screens_for_audit_and_org(client, org, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@x.vn", "x" * 12)
    client.force_login(admin)
    for url in ("/admin/core/auditevent/", "/admin/org/agency/", "/admin/org/staff/", "/admin/core/calendarday/",
                "/admin/accounts/user/"):
        assert client.get(url).status_code == 200, url
    # audit events cannot be added or edited in the admin
    assert client.get("/admin/core/auditevent/add/").status_code == 403


def test_import_page_for_administrators_only(client, org, settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = []  # the 2FA flow itself is tested in accounts
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.snv_clerk.user)
    assert client.get("/to-chuc/nhap/").status_code == 403
    client.force_login(org.admin.user)
    assert "Nhập từ CSV/Excel" in client.get("/to-chuc/").content.decode()
    bad = SimpleUploadedFile("a.csv", "Mã định danh,Tên,Tên viết tắt\nsai mã,Sở,S\n".encode())
    response = client.post("/to-chuc/nhap/", {"file": bad, "kind": "agencies"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in body and "error-summary" in body
    junk = SimpleUploadedFile("a.xlsx", b"PK\x03\x04garbage")
    assert "Không đọc được tệp Excel" in client.post("/to-chuc/nhap/", {"file": junk}).content.decode()
    assert "error-summary" in client.post("/to-chuc/nhap/", {"kind": "nonsense"}).content.decode()
    good = SimpleUploadedFile("a.csv", "Mã định danh,Tên,Tên viết tắt,Mã cấp trên\n000.00.07.H99,Sở Y tế,SYT,"
                              "000.00.00.H99\n".encode())
    response = client.post("/to-chuc/nhap/", {"file": good, "kind": "agencies"})
    assert response.status_code == 302


def test_vietnamese_first_whatever_the_browser_says(client, org):
    client.force_login(org.snv_clerk.user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()
    assert response["Content-Language"] == "vi"
    assert 'lang="en"' in client.get("/?lang=en").content.decode()
    assert 'lang="vi"' in client.get("/?lang=xx").content.decode()
