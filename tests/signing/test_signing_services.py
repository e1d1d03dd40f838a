"""Services and small domain rules: dates, labels, remote credentials, stored-file verification."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from signing_helpers import p12_backend

from congvu.core.errors import Forbidden
from congvu.core.files import store_bytes
from congvu.core.models import AuditEvent
from congvu.signing import layout, pdfsign, services, steps, tasks
from congvu.signing import pki as pki_mod
from congvu.signing.models import VerificationReport
from congvu.signing.verify import verify_pdf


@pytest.mark.parametrize("day, text", [
    (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (dt.date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
    (dt.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
])
def test_decree30_date_line(day, text):
    assert steps.ngay_thang(day) == text


def test_number_text_pads_below_ten():
    assert steps.number_text(SimpleNamespace(number=7, symbol="QĐ-UBND")) == "Số: 07/QĐ-UBND"
    assert steps.number_text(SimpleNamespace(number=123, symbol="")) == "Số: 123"


@pytest.mark.django_db
def test_labels_are_stored_nfc(org, pki):
    nfd = unicodedata.normalize("NFD", "Chứng thư của Giám đốc")
    credential = services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                                label=nfd, p12=pki.files["leader"].read_bytes(), password="demo")
    assert credential.label == unicodedata.normalize("NFC", nfd)
    with pytest.raises(Forbidden):
        services.credential_deactivate(actor=org.stttt_leader.user, credential=credential)
    credential.refresh_from_db()
    assert credential.is_active


@pytest.mark.django_db
def test_remote_signing_service_credential(org, pki, draft_pdf):
    der = pki_mod.serialization.Encoding.DER

    def sign(data: bytes, digest: str) -> bytes:
        return pki.organisation.key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    services.register_remote_service("thu-nghiem", services.callable_remote_factory(
        [pki.organisation.cert.public_bytes(der), pki.ca.cert.public_bytes(der)], sign))
    try:
        services.credential_add_remote(actor=org.snv_clerk.user, agency=org.snv, staff=None, label="Ký từ xa",
                                       service="thu-nghiem")
        document = SimpleNamespace(agency=org.snv, number=12, symbol="TB-SNV", issued_on=dt.date(2026, 4, 1),
                                   signer=None, subject="Thông báo")
        approved = pdfsign.sign_pdf(draft_pdf, p12_backend(pki))
        issued = steps.issue_step(pdf=approved, actor=org.snv_clerk.user, document=document)
        assert verify_pdf(issued, trust_roots=[pki.ca_asn1])["ok"]
    finally:
        services.REMOTE_SERVICES.pop("thu-nghiem", None)
    with pytest.raises(Exception, match="dịch vụ"):
        services.credential_add_remote(actor=org.snv_clerk.user, agency=org.snv, staff=None, label="x",
                                       service="khong-co")


@pytest.mark.django_db
def test_verify_a_stored_incoming_file_in_the_background(org, pki, draft_pdf, client):
    signed = pdfsign.sign_pdf(draft_pdf, p12_backend(pki))
    stored = store_bytes(signed)
    result = tasks.slow_verify_stored_file.delay(stored.pk, org.stttt.pk, org.stttt_clerk.user.pk,
                                                 "Công văn đến.pdf").get()
    row = VerificationReport.objects.get(pk=result["report_id"])
    assert row.ok and row.agency == org.stttt and row.file_name == "Công văn đến.pdf"
    assert AuditEvent.objects.filter(action="signing.verify", agency_id=org.stttt.pk).exists()
    # a shared report is read through what holds the file (a document: see tests/signing/test_signing_documents.py);
    # a file that belongs to nothing the person may see stays hidden, even in the agency that checked it
    for person in (org.stttt_specialist, org.snv_specialist):
        client.force_login(person.user)
        assert client.get(f"/ky-so/ket-qua/{stored.sha256}/").status_code == 404


def test_fallback_boxes_hide_nothing(pki, draft_pdf):
    from pypdf import PdfReader

    nowhere = layout.Place(page=0, box=(90, 60, 300, 80), found=False, font_size=12)
    prepared = pdfsign.add_issue_fields(draft_pdf, number=nowhere, date=nowhere)
    fields = {str(f["/T"]): f for f in (ref.get_object() for ref in
                                      PdfReader(io.BytesIO(prepared)).trailer["/Root"]["/AcroForm"]["/Fields"])}
    assert fields[pdfsign.NUMBER_FIELD][pdfsign.COVER_KEY].value is False
    found = layout.number_date_places(draft_pdf, number_fallback=(0, (0, 0, 1, 1)),
                                      date_fallback=(0, (0, 0, 1, 1)))[0]
    covered = pdfsign.add_issue_fields(draft_pdf, number=found, date=found)
    fields = {str(f["/T"]): f for f in (ref.get_object() for ref in
                                      PdfReader(io.BytesIO(covered)).trailer["/Root"]["/AcroForm"]["/Fields"])}
    assert fields[pdfsign.NUMBER_FIELD][pdfsign.COVER_KEY].value is True
    assert pdfsign.add_issue_fields(covered, number=found, date=found) == covered  # idempotent


@pytest.mark.django_db
def test_api_lists_credentials_without_secrets(org, pki, client):
    services.credential_add_pkcs12(actor=org.snv_clerk.user, agency=org.snv, staff=None, label="Sở",
                                   p12=pki.organisation.p12("Bi-mat-77"), password="Bi-mat-77")
    client.force_login(org.snv_specialist.user)
    response = client.get("/api/v1/signing/credentials")
    assert response.status_code == 200
    [item] = response.json()
    assert item["owner"] == "agency" and item["cert_common_name"] == "Ủy ban nhân dân thành phố Hải Phòng"
    assert "Bi-mat-77" not in response.content.decode()
