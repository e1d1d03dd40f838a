"""Confidential documents and other agencies' documents never leak: list, detail, search, API, files, registers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from documents_helpers import outgoing_issued, register_incoming

from congvu.documents import selectors, services
from congvu.documents.models import DocumentFile

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "Phương án bảo vệ bí mật nhà nước XYZQ"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = []  # the administrator signs in without TOTP in these tests


@pytest.fixture
def secret(org):
    return register_incoming(org, subject=SECRET_SUBJECT, confidentiality=2, pdf_text="Nội dung tuyệt đối XYZQ")


def _login(client, staff):
    client.force_login(staff.user)
    return client


def _outsiders(org):
    """Signed-in people who must not see SNV's confidential document: same-agency specialist and leader
    (not named), the administrator of the province, a clerk of another agency."""
    return [org.snv_specialist, org.snv_leader, org.admin, org.stttt_clerk]


def _leaks(client, staff, doc) -> list[str]:
    client = _login(client, staff)
    found = []
    f = doc.files.first()
    pages = {
        "incoming list": reverse("documents:incoming"),
        "incoming list search": reverse("documents:incoming") + "?q=bao+ve+bi+mat",
        "search page": reverse("documents:search") + "?q=bao+ve+bi+mat",
        "api list": "/api/v1/documents/",
        "api search": "/api/v1/documents/search?q=bao+ve+bi+mat",
    }
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        if "XYZQ" in response.content.decode():
            found.append(label)
    for label, url in {"detail": reverse("documents:detail", args=[doc.pk]),
                       "file": reverse("documents:file", args=[doc.pk, f.pk]),
                       "api detail": f"/api/v1/documents/{doc.pk}",
                       "api file": f"/api/v1/documents/{doc.pk}/files/{f.pk}"}.items():
        response = client.get(url)
        if response.status_code != 404:
            found.append(f"{label} ({response.status_code})")
        elif "XYZQ" in response.content.decode(errors="replace"):
            found.append(f"{label} body")
    reg = doc.register
    for url in (reverse("documents:register", args=[reg.pk]), reverse("documents:register_export", args=[reg.pk])):
        response = client.get(url)
        if response.status_code != 404:
            found.append(f"register {url} ({response.status_code})")
    return found


def test_confidential_incoming_is_hidden_from_everyone_not_named(client, org, secret):
    for staff in _outsiders(org):
        assert _leaks(client, staff, secret) == [], staff.user.username
    # superusers without being named see nothing either
    org.admin.user.is_superuser = True
    org.admin.user.save()
    assert _leaks(client, org.admin, secret) == []


def test_register_keeper_and_named_people_see_it(client, org, secret):
    _login(client, org.snv_clerk)
    assert client.get(reverse("documents:detail", args=[secret.pk])).status_code == 200
    assert "XYZQ" in client.get(reverse("documents:search") + "?q=bao+ve+bi+mat").content.decode()
    f = secret.files.first()
    assert client.get(reverse("documents:file", args=[secret.pk, f.pk])).status_code == 200
    assert client.get(reverse("documents:register_export", args=[secret.register_id])).status_code == 200
    # the leader it is presented to, and the person it is assigned to, become named on it
    services.incoming_submit(actor=org.snv_clerk.user, document=secret, leader=org.snv_leader)
    services.incoming_direct(actor=org.snv_leader.user, document=secret, lead_person=org.snv_specialist)
    for staff in (org.snv_leader, org.snv_specialist):
        _login(client, staff)
        assert client.get(reverse("documents:detail", args=[secret.pk])).status_code == 200
        assert client.get(f"/api/v1/documents/{secret.pk}").status_code == 200
        # …but not the confidential register (keepers only)
        assert client.get(reverse("documents:register", args=[secret.register_id])).status_code == 404
    # the public register of the agency does not list it
    public = register_incoming(org, number=99, subject="Công văn thường")
    _login(client, org.snv_specialist)
    page = client.get(reverse("documents:register", args=[public.register_id])).content.decode()
    assert "Công văn thường" in page and "XYZQ" not in page


def test_other_agency_gets_404_for_ordinary_documents_too(client, org):
    doc = register_incoming(org, subject="Văn bản thường của Sở Nội vụ ABCW")
    _login(client, org.stttt_specialist)
    assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    assert client.get(f"/api/v1/documents/{doc.pk}").status_code == 404
    body = client.get(f"/api/v1/documents/{doc.pk}").json()
    assert body["error"]["code"] == "not_found" and "ABCW" not in str(body)
    assert client.get(reverse("documents:register", args=[doc.register_id])).status_code == 404
    assert "ABCW" not in client.get(reverse("documents:search") + "?q=van+ban+thuong").content.decode()
    for url in ("/van-ban/999999/", "/api/v1/documents/999999", "/van-ban/abc/"):
        assert client.get(url).status_code == 404


def test_issued_document_is_visible_to_recipient_agency_but_not_confidential_one(client, org):
    public = outgoing_issued(org, recipients=[org.stttt], subject="Báo cáo gửi Sở TTTT QWPE")
    secret = outgoing_issued(org, recipients=[org.stttt], subject="Báo cáo mật QWPF", confidentiality=1)
    user = org.stttt_specialist.user
    visible = set(selectors.visible_documents(user).values_list("pk", flat=True))
    assert public.pk in visible and secret.pk not in visible
    copy = secret.recipients.get().delivered_document
    assert copy.pk not in visible  # the delivered copy is confidential too: only STTTT's clerk
    assert copy.pk in set(selectors.visible_documents(org.stttt_clerk.user).values_list("pk", flat=True))


def test_recalled_incoming_copy_files_are_no_longer_accessible(client, org):
    doc = outgoing_issued(org, recipients=[org.stttt])
    copy = doc.recipients.get().delivered_document
    f = copy.files.first()
    _login(client, org.stttt_clerk)
    assert client.get(reverse("documents:file", args=[copy.pk, f.pk])).status_code == 200
    services.recall(actor=org.snv_clerk.user, document=doc, reason="Sai sót")
    assert client.get(reverse("documents:file", args=[copy.pk, f.pk])).status_code == 404
    assert client.get(f"/api/v1/documents/{copy.pk}/files/{f.pk}").status_code == 404


def test_register_export_lists_only_visible_rows(client, org, secret):
    from openpyxl import load_workbook

    public = register_incoming(org, number=7, subject="Công văn công khai")
    _login(client, org.snv_specialist)
    response = client.get(reverse("documents:register_export", args=[public.register_id]))
    ws = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Công văn công khai" in text and "XYZQ" not in text
    assert DocumentFile.objects.filter(document=secret).exists()
