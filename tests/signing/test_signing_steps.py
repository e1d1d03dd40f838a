"""The seam for the documents app: approve_step / issue_step on real PDFs, credentials, secrets."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from signing_helpers import pyhanko_statuses

from congvu.core.errors import Forbidden, ValidationFailed
from congvu.core.models import AuditEvent
from congvu.signing import appearance, layout, pdfsign, samples, services, steps
from congvu.signing.errors import SigningFailed
from congvu.signing.models import Credential
from congvu.signing.verify import verify_pdf

SECRET = "Mk-bi-mat-9731"
ORG_SECRET = "Pin-co-quan-4420"

pytestmark = pytest.mark.django_db


@pytest.fixture
def creds(org, pki):
    leader = services.credential_add_pkcs12(
        actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader, label="Chứng thư cá nhân",
        p12=pki.leader.p12(SECRET), password=SECRET, image=appearance.demo_signature_png("Lãnh Đạo"))
    agency = services.credential_add_pkcs12(
        actor=org.snv_clerk.user, agency=org.snv, staff=None, label="Chứng thư Sở Nội vụ",
        p12=pki.organisation.p12(ORG_SECRET), password=ORG_SECRET, image=appearance.demo_seal_png("SNV"))
    return SimpleNamespace(leader=leader, agency=agency)


@pytest.fixture
def document(org):
    return SimpleNamespace(agency=org.snv, number=7, symbol="QĐ-SNV", issued_on=dt.date(2026, 2, 5),
                           signer=org.snv_leader, subject="Về việc làm việc trực tuyến")


def _render(pdf: bytes, tmp_path, name: str, dpi: int = 50):
    from PIL import Image

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=60)
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def _crop(img, box, page_height=841.89, dpi=50):
    s = dpi / 72
    x1, y1, x2, y2 = box
    return img.crop((int(x1 * s), int((page_height - y2) * s), int(x2 * s), int((page_height - y1) * s)))


def _count(img, test) -> int:
    return sum(1 for px in img.get_flattened_data() if test(px))


def test_approve_then_issue_makes_two_valid_visible_signatures(org, pki, creds, document, draft_pdf, tmp_path):
    with steps.unlocked(SECRET):
        approved = steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document)
    issued = steps.issue_step(pdf=approved, actor=org.snv_clerk.user, document=document, secret=ORG_SECRET)
    assert issued.startswith(approved)
    first, second = pyhanko_statuses(issued, pki.ca_asn1)
    assert first.bottom_line and second.bottom_line
    report = verify_pdf(issued, trust_roots=[pki.ca_asn1])
    assert report["ok"] and len(report["signatures"]) == 2
    fields = PdfReader(io.BytesIO(issued)).get_form_text_fields()
    assert fields[pdfsign.NUMBER_FIELD] == "Số: 07/QĐ-SNV"
    assert fields[pdfsign.DATE_FIELD] == "Hải Phòng, ngày 05 tháng 02 năm 2026"
    # the organisation's signature locks the fields: rewriting the number afterwards is caught
    rewritten = pdfsign.fill_issue_fields(issued, number_text="Số: 99/QĐ-SNV", date_text="ngày 01 tháng 01 năm 2020")
    report = verify_pdf(rewritten, trust_roots=[pki.ca_asn1])
    assert report["ok"] is False and report["verdict"] == "Văn bản đã bị sửa sau khi ký"
    actions = list(AuditEvent.objects.filter(action__startswith="signing.").values_list("action", flat=True))
    assert "signing.approve" in actions and "signing.issue" in actions


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_stamps_are_drawn_where_the_layout_puts_them(org, pki, creds, document, draft_pdf, tmp_path):
    approved = steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret=SECRET)
    issued = steps.issue_step(pdf=approved, actor=org.snv_clerk.user, document=document, secret=ORG_SECRET)
    sig_place = layout.signature_place(draft_pdf, "Lê Văn Lãnh Đạo", fallback=(-1, (0, 0, 1, 1)))
    assert sig_place.found
    seal_place = layout.seal_place(sig_place, diameter=steps.SEAL_DIAMETER)
    before, after_approve, after_issue = (_render(p, tmp_path, n) for p, n in
                                          ((draft_pdf, "draft"), (approved, "approved"), (issued, "issued")))

    def blue(px):
        return px[2] > 120 and px[0] < 110

    def red(px):
        return px[0] > 150 and px[1] < 90 and px[2] < 110

    assert _count(_crop(before, sig_place.box), blue) == 0
    assert _count(_crop(after_approve, sig_place.box), blue) > 30  # the blue signature image
    assert _count(_crop(after_approve, seal_place.box), red) == 0
    assert _count(_crop(after_issue, seal_place.box), red) > 100  # the red seal
    # the number and the date are now written at the top of page 1
    number, date = layout.number_date_places(draft_pdf, number_fallback=(0, (0, 0, 1, 1)),
                                             date_fallback=(0, (0, 0, 1, 1)))

    from PIL import ImageChops

    for place in (number, date):
        changed = ImageChops.difference(_crop(after_issue, place.box), _crop(before, place.box))
        assert _count(changed, lambda px: sum(px) > 150) > 10  # the issued number / date are drawn


def test_issue_refuses_an_unsigned_document_and_other_people(org, creds, document, draft_pdf):
    with pytest.raises(SigningFailed) as err:
        steps.issue_step(pdf=draft_pdf, actor=org.snv_clerk.user, document=document, secret=ORG_SECRET)
    assert err.value.code == "not_signed"
    approved = steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret=SECRET)
    for actor in (org.snv_specialist.user, org.stttt_clerk.user, org.snv_leader.user):
        with pytest.raises(Forbidden):
            steps.issue_step(pdf=approved, actor=actor, document=document, secret=ORG_SECRET)
    unnumbered = SimpleNamespace(**{**vars(document), "number": None})
    with pytest.raises(ValidationFailed):
        steps.issue_step(pdf=approved, actor=org.snv_clerk.user, document=unnumbered, secret=ORG_SECRET)


def test_approve_refuses_others_and_missing_or_wrong_secrets(org, pki, creds, document, draft_pdf):
    for actor in (org.stttt_leader.user, org.snv_clerk.user):
        with pytest.raises((Forbidden, SigningFailed)):
            steps.approve_step(pdf=draft_pdf, actor=actor, document=document, secret=SECRET)
    unassigned = SimpleNamespace(**{**vars(document), "signer": None})
    services.credential_add_pkcs12(actor=org.snv_specialist.user, agency=org.snv, staff=org.snv_specialist,
                                   label="x", p12=pki.leader.p12(SECRET), password=SECRET)
    with pytest.raises(Forbidden):  # a specialist is no leader, even with a certificate
        steps.approve_step(pdf=draft_pdf, actor=org.snv_specialist.user, document=unassigned, secret=SECRET)
    count = AuditEvent.objects.count()
    with pytest.raises(SigningFailed) as err:
        steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document)
    assert err.value.code == "secret_required"
    with pytest.raises(SigningFailed) as err:
        steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret="sai")
    assert err.value.code == "bad_p12_password"
    with pytest.raises(ValidationFailed, match="PDF"):
        steps.approve_step(pdf=draft_pdf[:500], actor=org.snv_leader.user, document=document, secret=SECRET)
    assert AuditEvent.objects.count() == count  # nothing written on refusal
    services.credential_deactivate(actor=org.snv_leader.user, credential=creds.leader)
    with pytest.raises(SigningFailed) as err:
        steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret=SECRET)
    assert err.value.code == "no_credential"


def test_issue_of_a_pdf_signed_elsewhere_puts_number_and_date_in_the_signature(org, pki, creds, document,
                                                                                   draft_pdf):
    from signing_helpers import p12_backend

    signed_elsewhere = pdfsign.sign_pdf(draft_pdf, p12_backend(pki))
    issued = steps.issue_step(pdf=signed_elsewhere, actor=org.snv_clerk.user, document=document,
                              secret=ORG_SECRET)
    report = verify_pdf(issued, trust_roots=[pki.ca_asn1])
    assert report["ok"]
    reader = PdfReader(io.BytesIO(issued))
    reasons = [str(f.get("/V", {}).get("/Reason", "")) for f in reader.get_fields().values()
               if f.get("/FT") == "/Sig"]
    assert any("07/QĐ-SNV" in r and "ngày 05 tháng 02 năm 2026" in r for r in reasons)


def test_signature_block_not_found_uses_the_configured_box(draft_pdf):
    place = layout.signature_place(draft_pdf, "Người Không Có Tên", fallback=(-1, (300, 100, 430, 170)))
    assert not place.found and place.box == (300, 100, 430, 170) and place.page == 0


def test_nfd_and_case_insensitive_signer_name(draft_pdf):
    import unicodedata

    place = layout.signature_place(draft_pdf, unicodedata.normalize("NFD", "LÊ VĂN LÃNH ĐẠO"),
                                   fallback=(-1, (0, 0, 1, 1)))
    assert place.found


def test_fifty_page_document_signs_on_the_last_page(org, pki, creds, document):
    long_pdf = samples.decree30_pdf(signer="Lê Văn Lãnh Đạo", pages=3)
    approved = steps.approve_step(pdf=long_pdf, actor=org.snv_leader.user, document=document, secret=SECRET)
    reader = PdfReader(io.BytesIO(approved))
    n = len(reader.pages)
    assert n >= 3
    sig = next(f for f in reader.get_fields().values() if f.get("/FT") == "/Sig")
    page_ids = [p.indirect_reference.idnum for p in reader.pages]
    widget = reader.trailer["/Root"]["/AcroForm"]["/Fields"]
    assert sig and widget
    annotated = [i for i, p in enumerate(reader.pages) if any(
        a.get_object().get("/FT") == "/Sig" for a in p.get("/Annots", []) or [])]
    assert annotated == [n - 1] and page_ids


def test_secrets_never_reach_audit_rows_database_or_logs(org, pki, document, draft_pdf, caplog):
    caplog.set_level(logging.DEBUG)
    creds = SimpleNamespace(
        leader=services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                              label="Cá nhân", p12=pki.leader.p12(SECRET), password=SECRET),
        agency=services.credential_add_pkcs12(actor=org.snv_clerk.user, agency=org.snv, staff=None,
                                              label="Cơ quan", p12=pki.organisation.p12(ORG_SECRET),
                                              password=ORG_SECRET))
    approved = steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret=SECRET)
    steps.issue_step(pdf=approved, actor=org.snv_clerk.user, document=document, secret=ORG_SECRET)
    with pytest.raises(SigningFailed):
        steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret=SECRET + "x")
    rows = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    creds_dump = json.dumps(list(Credential.objects.values()), default=str, ensure_ascii=False)
    for secret in (SECRET, ORG_SECRET):
        assert secret not in rows and secret not in creds_dump and secret not in caplog.text
    assert creds.leader.p12_file.read() != SECRET.encode()
    assert "signing.credential_create" in rows


def test_credential_services_refuse_bad_input_and_other_people(org, pki):
    count = Credential.objects.count()
    with pytest.raises(SigningFailed):
        services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                       label="x", p12=pki.leader.p12(SECRET), password="wrong")
    with pytest.raises(SigningFailed) as err:
        services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                       label="x", p12=pki.files["expired"].read_bytes(), password="demo")
    assert err.value.code == "cert_expired"
    with pytest.raises(Forbidden):  # somebody else's personal credential
        services.credential_add_pkcs12(actor=org.snv_clerk.user, agency=org.snv, staff=org.snv_leader,
                                       label="x", p12=pki.leader.p12(SECRET), password=SECRET)
    with pytest.raises(Forbidden):  # the organisation's key is the clerk's business
        services.credential_add_pkcs12(actor=org.snv_specialist.user, agency=org.snv, staff=None,
                                       label="x", p12=pki.organisation.p12(SECRET), password=SECRET)
    with pytest.raises(Forbidden):  # another agency's clerk
        services.credential_add_pkcs12(actor=org.stttt_clerk.user, agency=org.snv, staff=None,
                                       label="x", p12=pki.organisation.p12(SECRET), password=SECRET)
    with pytest.raises(ValidationFailed):
        services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                       label="  ", p12=pki.leader.p12(SECRET), password=SECRET)
    with pytest.raises(ValidationFailed):
        services.credential_add_pkcs12(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                       label="x", p12=b"\x30" * 70000, password=SECRET)
    with pytest.raises(ValidationFailed):
        services.credential_add_pkcs11(actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader,
                                       label="x", module="/tmp/evil.so", token_label="t", key_label="k", pin="1")
    assert Credential.objects.count() == count


def test_demo_loader_is_idempotent_and_demo_credentials_sign(settings, tmp_path, pki, draft_pdf):
    from congvu.org import demo as org_demo
    from congvu.signing import conf, demo

    org_demo.load()
    first = demo.load()
    assert first["credentials"] > 5 and demo.load() == {"credentials": 0}
    assert (conf.demo_pki_dir() / "ca.pem").exists() and (conf.demo_pki_dir() / "leader.p12").exists()
    from congvu.org.models import Staff

    leader = Staff.objects.get(user__username="lanhdao.snv")
    doc = SimpleNamespace(agency=leader.agency, number=3, symbol="QĐ-SNV", issued_on=dt.date(2026, 3, 9),
                          signer=leader, subject="Thử")
    draft = samples.decree30_pdf(signer=leader.full_name)
    approved = steps.approve_step(pdf=draft, actor=leader.user, document=doc)  # demo: no password asked
    clerk = Staff.objects.get(user__username="vanthu.snv")
    issued = steps.issue_step(pdf=approved, actor=clerk.user, document=doc)
    report = verify_pdf(issued, trust_roots=conf.trust_roots())
    assert report["ok"], report
    settings.CONGVU_SIGNING_DEMO = False  # outside demo mode the demo password is not implied
    with pytest.raises(SigningFailed):
        steps.approve_step(pdf=draft, actor=leader.user, document=doc)


def test_unreadable_text_layer_falls_back_to_configured_boxes():
    assert layout.text_lines(b"%PDF-1.4 broken") == []
    assert layout.page_count(b"not a pdf at all") == 0
    place = layout.signature_place(b"%PDF-1.4 broken", "Ai đó", fallback=(-1, (1, 2, 3, 4)))
    assert not place.found and place.box == (1, 2, 3, 4)
