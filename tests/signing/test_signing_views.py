"""Pages and API: verify a PDF, stored reports (scoped), credential management (authorisation)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from signing_helpers import p12_backend

from congvu.core.models import StoredFile
from congvu.signing import pdfsign
from congvu.signing.models import Credential, VerificationReport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signed(pki, draft_pdf):
    return pdfsign.sign_pdf(draft_pdf, p12_backend(pki))


def _upload(client, data: bytes, name="van-ban.pdf"):
    return client.post(reverse("signing:verify"), {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_anonymous_is_sent_to_login(client, org):
    for url in (reverse("signing:verify"), reverse("signing:report", args=["a" * 64]),
                reverse("signing:credentials")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("signing:credential_deactivate", args=[1]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_verify_page_stores_the_report_and_shows_the_verdict(client, org, signed):
    client.force_login(org.snv_specialist.user)
    assert client.get(reverse("signing:verify")).status_code == 200
    response = _upload(client, signed, "Quyết định số 7.pdf")
    assert response.status_code == 302
    row = VerificationReport.objects.get()
    assert row.ok and row.agency == org.snv and row.uploaded_by == org.snv_specialist.user
    assert row.report["signatures"][0]["signer"] == "Lãnh đạo (demo)"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Chữ ký hợp lệ" in page.content.decode() and row.sha256 in page.content.decode()
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "Chữ ký hợp lệ" in partial.content.decode() and "<html" not in partial.content.decode()


def test_tampered_and_broken_uploads(client, org, signed):
    client.force_login(org.snv_specialist.user)
    data = bytearray(signed)
    data[bytes(data).index(b"/MediaBox") + 1] = ord("Q")
    response = _upload(client, bytes(data))
    assert response.status_code == 302
    assert "Chữ ký hợp lệ" not in client.get(response["Location"]).content.decode()
    response = _upload(client, signed[: len(signed) // 3])
    assert "hỏng hoặc không đầy đủ" in client.get(response["Location"]).content.decode()
    count = StoredFile.objects.count()
    for bad in (b"", b"hello, not a pdf", "Văn bản".encode("utf-16")):
        response = _upload(client, bad)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
    assert StoredFile.objects.count() == count
    assert client.post(reverse("signing:verify"), {}).status_code == 400


def test_reports_of_the_verify_page_are_the_uploaders_only(client, org, signed):
    client.force_login(org.snv_specialist.user)
    url = _upload(client, signed)["Location"]
    assert client.get(url).status_code == 200
    client.force_login(org.snv_clerk.user)  # same agency: a colleague's upload is theirs (it may be anything)
    assert client.get(url).status_code == 404
    from congvu.core.errors import NotFound
    from congvu.signing import services as signing_services

    with pytest.raises(NotFound):  # an administrator neither (the page itself first asks them for 2FA)
        signing_services.report_for(org.admin.user, url.rstrip("/").rsplit("/", 1)[1])
    client.force_login(org.stttt_specialist.user)  # another agency
    assert client.get(url).status_code == 404
    assert client.get(reverse("signing:report", args=["zz"])).status_code == 404
    assert client.get(reverse("signing:report", args=["0" * 64])).status_code == 404


def test_adding_a_pkcs12_credential_on_the_page(client, org, pki):
    client.force_login(org.snv_leader.user)
    page = client.get(reverse("signing:credentials"))
    assert page.status_code == 200 and 'role="alert"' not in page.content.decode()
    assert client.post(reverse("signing:credentials"), {"kind": "other"}).status_code == 400
    secret = "Mat-khau-trang-55"
    form = {"kind": "pkcs12", "p12-owner": "me", "p12-label": "Chứng thư của tôi",
            "p12-password": "sai", "p12-p12": SimpleUploadedFile("a.p12", pki.leader.p12(secret))}
    response = client.post(reverse("signing:credentials"), form)
    assert response.status_code == 400 and "mật khẩu không đúng" in response.content.decode()
    assert "sai" not in response.content.decode().split('name="p12-password"')[1][:80]
    assert not Credential.objects.exists()
    form.update({"p12-password": secret, "p12-p12": SimpleUploadedFile("a.p12", pki.leader.p12(secret))})
    response = client.post(reverse("signing:credentials"), form)
    assert response.status_code == 302
    credential = Credential.objects.get()
    assert credential.staff == org.snv_leader and credential.cert_common_name == "Lãnh đạo (demo)"
    page = client.get(reverse("signing:credentials")).content.decode()
    assert "Chứng thư của tôi" in page and secret not in page
    # a leader (not the clerk) may not register the agency's key
    form.update({"p12-owner": "agency", "p12-p12": SimpleUploadedFile("a.p12", pki.leader.p12(secret))})
    assert client.post(reverse("signing:credentials"), form).status_code == 400
    assert Credential.objects.count() == 1


def test_clerk_adds_the_agency_credential_and_others_cannot_deactivate_it(client, org, pki):
    client.force_login(org.snv_clerk.user)
    form = {"kind": "pkcs12", "p12-owner": "agency", "p12-label": "Chứng thư Sở",
            "p12-password": "demo", "p12-p12": SimpleUploadedFile("o.p12", pki.files["organisation"].read_bytes()),
            "p12-image": SimpleUploadedFile("seal.png", b"not an image")}
    response = client.post(reverse("signing:credentials"), form)
    assert response.status_code == 400 and not Credential.objects.exists()  # the "image" is no PNG
    form["p12-p12"] = SimpleUploadedFile("o.p12", pki.files["organisation"].read_bytes())
    form.pop("p12-image")
    assert client.post(reverse("signing:credentials"), form).status_code == 302
    credential = Credential.objects.get()
    assert credential.staff is None and credential.agency == org.snv
    url = reverse("signing:credential_deactivate", args=[credential.pk])
    for intruder in (org.stttt_clerk, org.snv_specialist):
        client.force_login(intruder.user)
        assert client.post(url).status_code == 404
    credential.refresh_from_db()
    assert credential.is_active
    client.force_login(org.snv_clerk.user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    credential.refresh_from_db()
    assert not credential.is_active


def test_api_verify_and_report(client, org, signed):
    assert client.post("/api/v1/signing/verify").status_code == 401
    client.force_login(org.snv_specialist.user)
    response = client.post("/api/v1/signing/verify", {"file": SimpleUploadedFile("a.pdf", signed)})
    assert response.status_code == 201
    body = response.json()
    assert body["ok"] is True and body["verdict"] == "Chữ ký hợp lệ" and body["signature_count"] == 1
    assert client.get(f"/api/v1/signing/reports/{body['sha256']}").json()["sha256"] == body["sha256"]
    bad = client.post("/api/v1/signing/verify", {"file": SimpleUploadedFile("a.pdf", b"GIF89a")})
    assert bad.status_code == 415 and bad.json()["error"]["code"] == "unsupported_type"
    assert client.post("/api/v1/signing/verify", {}).status_code == 422
    client.force_login(org.stttt_specialist.user)
    other = client.get(f"/api/v1/signing/reports/{body['sha256']}")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/signing/credentials").json() == []


def test_oversized_upload_is_refused_before_anything_is_stored(client, org, signed, monkeypatch):
    from congvu.signing import forms

    monkeypatch.setattr(forms, "MAX_PDF", 1000)
    client.force_login(org.snv_specialist.user)
    response = _upload(client, signed)
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert not VerificationReport.objects.exists() and not StoredFile.objects.exists()
