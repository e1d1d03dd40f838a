"""Services: registration, routing, handling, the outgoing chain, issuance, distribution, recall."""

from __future__ import annotations

import io
import unicodedata

import pytest
from documents_helpers import INCOMING_TEXT, incoming_data, make_docx, make_pdf, outgoing_issued, register_incoming

from congvu.core.errors import Conflict, Forbidden, TooLarge, ValidationFailed
from congvu.core.models import AuditEvent
from congvu.documents import pdfsteps, services
from congvu.documents.models import Assignment, Document, DocumentFile, Recipient, Register

pytestmark = pytest.mark.django_db
S = Document.Status


def counts():
    return Document.objects.count(), DocumentFile.objects.count(), AuditEvent.objects.filter(
        action__startswith="documents.").count()


# ------------------------------------------------------------------ incoming registration

def test_register_numbers_are_sequential_per_register_and_confidential_has_its_own(org):
    a = register_incoming(org, number=1)
    b = register_incoming(org, number=2)
    secret = register_incoming(org, number=3, confidentiality=1)
    c = register_incoming(org, number=4)
    assert [a.register_number, b.register_number, c.register_number] == [1, 2, 3]
    assert secret.register_number == 1 and secret.register.confidential
    assert a.register == b.register != secret.register
    assert a.status == S.REGISTERED and a.received_on is not None
    assert a.files.get().text.startswith("Văn bản thử nghiệm")
    assert Register.objects.get(pk=a.register_id).last_number == 3
    assert AuditEvent.objects.filter(action="documents.incoming.register", object_id=str(a.pk)).exists()


def test_duplicate_registration_warns_then_accepts_on_confirmation(org):
    first = register_incoming(org)
    before = counts()
    with pytest.raises(Conflict) as err:
        register_incoming(org, issuer_name="BỘ NỘI VỤ", symbol="bnv-cchc")  # case-insensitive match
    assert err.value.code == "duplicate" and err.value.details["document_id"] == first.pk
    assert counts() == before
    second = services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(), confirm_duplicate=True,
                                        files=[("a.pdf", make_pdf("bản sao thứ hai của văn bản đến"))])
    assert second.duplicate_of == first and second.register_number == 2
    # another date is not a duplicate
    assert register_incoming(org, issued_on="06/01/2026").duplicate_of is None


def test_only_clerks_register_and_nothing_is_written_on_denial(org):
    before = counts()
    with pytest.raises(Forbidden):
        register_incoming(org, clerk=org.snv_specialist)
    with pytest.raises(Forbidden):  # a clerk of another agency cannot register into SNV
        services.incoming_register(actor=org.stttt_clerk.user, agency=org.snv, data=incoming_data(),
                                   files=[("a.pdf", make_pdf("x" * 40))])
    assert counts() == before and not Register.objects.exists()


@pytest.mark.parametrize("content, code", [
    (b"%PDF-1.7\n garbage that is not a pdf at all", "malformed_pdf"),
    (b"PK\x03\x04broken zip", "malformed_docx"),
    (b"\x00\x01\x02\x03" * 100, None),
    (b"", None),
])
def test_malformed_files_are_refused_with_nothing_left(org, content, code):
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(), files=[("x.pdf", content)])
    if code:
        assert err.value.code == code
    assert counts() == before and not Register.objects.exists()


def test_encrypted_pdf_is_refused(org):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(INCOMING_TEXT))))
    writer.encrypt(user_password="bi-mat", owner_password="chu")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationFailed) as err:
        services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(), files=[("x.pdf", out.getvalue())])
    assert err.value.code == "encrypted_pdf"
    assert not Document.objects.exists()


def test_huge_file_is_refused(org, settings):
    settings.CONGVU_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(TooLarge):
        services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(),
                                   files=[("x.pdf", make_pdf("Nội dung " * 50))])
    assert not Document.objects.exists()


def test_scanned_image_is_accepted_without_text_and_docx_is_read(org):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    doc = services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(), files=[("scan.png", png)])
    assert doc.files.get().text == ""
    doc2 = services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(number=16),
                                      files=[("a.docx", make_docx("Kế hoạch chuyển đổi số tỉnh"))])
    assert "chuyển đổi số" in doc2.files.get().text


@pytest.mark.parametrize("field, value", [
    ("subject", ""), ("subject", "x" * 501), ("subject", 12), ("issued_on", "31/02/2026"),
    ("issued_on", "ngày mai"), ("issued_on", "01/01/2999"), ("urgency", 9), ("confidentiality", "mật"),
    ("number", -3), ("number", "abc"), ("doc_type", "nghi_dinh_la"), ("issuer_name", ""),
])
def test_bad_metadata_names_the_field(org, field, value):
    with pytest.raises(ValidationFailed) as err:
        register_incoming(org, **{field: value})
    assert err.value.field == field
    assert not Document.objects.exists()


def test_legacy_and_nfd_text_is_stored_as_nfc_unicode(org):
    nfd = unicodedata.normalize("NFD", "Kế hoạch cải cách hành chính")
    doc = register_incoming(org, subject=nfd, issuer_name="Bé Néi vô")  # TCVN3 for "Bộ Nội vụ"
    assert doc.subject == "Kế hoạch cải cách hành chính" and unicodedata.is_normalized("NFC", doc.subject)
    assert doc.issuer_name == "Bộ Nội vụ"


# ------------------------------------------------------------------ routing and handling

def test_incoming_flow_register_submit_direct_handle_finish(org):
    doc = register_incoming(org)
    services.incoming_submit(actor=org.snv_clerk.user, document=doc, leader=org.snv_leader)
    routing = services.incoming_direct(actor=org.snv_leader.user, document=doc, lead_person=org.snv_specialist,
                                       info_units=[org.snv_unit], note="Đề nghị xử lý, báo cáo trước hạn.")
    doc.refresh_from_db()
    assert doc.status == S.DIRECTED and routing.note.startswith("Đề nghị")
    lead = doc.assignments.get(kind=Assignment.Kind.LEAD)
    info = doc.assignments.get(kind=Assignment.Kind.INFO)
    services.assignment_progress(actor=org.snv_specialist.user, assignment=lead, text="Đã dự thảo trả lời.")
    doc.refresh_from_db()
    assert doc.status == S.IN_PROGRESS
    reply = services.reply_draft_create(actor=org.snv_specialist.user, incoming=doc)
    assert reply.in_reply_to == doc and reply.direction == "outgoing" and reply.status == S.DRAFT
    services.mark_read(actor=org.snv_clerk.user, assignment=info)  # clerk is in the informed unit
    info.refresh_from_db()
    assert info.read_at is not None and info.read_by == org.snv_clerk
    services.assignment_finish(actor=org.snv_specialist.user, assignment=lead, note="Xong", reply=reply)
    doc.refresh_from_db()
    assert doc.status == S.DONE
    actions = list(AuditEvent.objects.filter(object_id=str(doc.pk), action__startswith="documents.incoming")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["documents.incoming.register", "documents.incoming.submit", "documents.incoming.direct",
                       "documents.incoming.start", "documents.incoming.reply_draft", "documents.incoming.read",
                       "documents.incoming.finish"]


def test_direct_requires_leader_and_units_of_the_agency(org):
    doc = register_incoming(org)
    with pytest.raises(Forbidden):
        services.incoming_direct(actor=org.snv_specialist.user, document=doc, lead_unit=org.snv_unit)
    with pytest.raises(ValidationFailed):
        services.incoming_direct(actor=org.snv_leader.user, document=doc, lead_unit=org.stttt_unit)
    with pytest.raises(ValidationFailed):
        services.incoming_direct(actor=org.snv_leader.user, document=doc)
    with pytest.raises(ValidationFailed):
        services.incoming_direct(actor=org.snv_leader.user, document=doc, lead_unit=org.snv_unit,
                                 deadline="01/01/2000")
    doc.refresh_from_db()
    assert doc.status == S.REGISTERED and not doc.assignments.exists()


def test_forward_stays_within_remit(org):
    import factories

    doc = register_incoming(org)
    services.incoming_direct(actor=org.snv_leader.user, document=doc, lead_unit=org.snv_unit)
    lead = doc.assignments.get()
    with pytest.raises(Forbidden):  # not the holder
        services.assignment_forward(actor=org.stttt_specialist.user, assignment=lead, to=org.snv_specialist)
    other_unit = factories.UnitFactory(agency=org.snv, code="KH")
    outsider = factories.StaffFactory(agency=org.snv, unit=other_unit)
    with pytest.raises(ValidationFailed):
        services.assignment_forward(actor=org.snv_clerk.user, assignment=lead, to=outsider)
    new = services.assignment_forward(actor=org.snv_clerk.user, assignment=lead, to=org.snv_specialist)
    lead.refresh_from_db()
    assert lead.state == Assignment.State.FORWARDED and new.staff == org.snv_specialist
    with pytest.raises(Conflict):
        services.assignment_progress(actor=org.snv_clerk.user, assignment=lead, text="muộn")


# ------------------------------------------------------------------ outgoing chain

def test_outgoing_chain_with_return_and_versions(org):
    draft = services.draft_create(actor=org.snv_specialist.user, signer=org.snv_leader, data={
        "doc_type": "ke_hoach", "subject": "Kế hoạch chuyển đổi số năm 2026", "body": "Căn cứ ...\nMục đích ...",
        "authority": "KT.", "authority_line": "giám đốc", "urgency": 1},
        recipients=[org.stttt], external_recipients=["Bộ Nội vụ"])
    assert draft.symbol == "KH-SNV" and draft.authority_line == "GIÁM ĐỐC" and draft.composed
    v1 = services.latest_main(draft)
    assert v1.version == 1 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in v1.text and "Kế hoạch chuyển đổi số" in v1.text
    services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_clerk)
    with pytest.raises(Forbidden):
        services.approve(actor=org.snv_leader.user, document=draft)  # not presented to the leader yet
    with pytest.raises(ValidationFailed):
        services.review_return(actor=org.snv_clerk.user, document=draft, comment="  ")
    services.review_return(actor=org.snv_clerk.user, document=draft, comment="Sửa căn cứ pháp lý.")
    draft.refresh_from_db()
    assert draft.status == S.RETURNED
    services.draft_update(actor=org.snv_specialist.user, document=draft, signer=org.snv_leader, data={
        "doc_type": "ke_hoach", "subject": "Kế hoạch chuyển đổi số năm 2026", "body": "Căn cứ Nghị định 30.",
        "authority": "KT.", "authority_line": "GIÁM ĐỐC", "urgency": 1})
    assert services.latest_main(draft).version == 2
    services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_clerk)
    services.review_forward(actor=org.snv_clerk.user, document=draft, to=org.snv_leader, comment="Đã kiểm tra thể thức")
    with pytest.raises(Forbidden):
        services.approve(actor=org.snv_clerk.user, document=draft)
    services.approve(actor=org.snv_leader.user, document=draft)
    draft.refresh_from_db()
    assert draft.status == S.APPROVED and draft.number is None
    with pytest.raises(Forbidden):
        services.issue(actor=org.snv_specialist.user, document=draft)
    doc = services.issue(actor=org.snv_clerk.user, document=draft)
    assert doc.status == S.ISSUED and doc.number == 1 and doc.reference == "01/KH-SNV"
    final = services.latest_main(doc)
    assert "Số: 01/KH-SNV" in final.text and "KT. GIÁM ĐỐC" in final.text and "Nơi nhận" in final.text
    # distribution: the internal recipient has it in its queue, the external one waits for the exchange
    internal = doc.recipients.get(agency=org.stttt)
    assert internal.delivery == Recipient.Delivery.DELIVERED
    copy = internal.delivered_document
    assert copy.agency == org.stttt and copy.status == S.RECEIVED and copy.register is None
    assert copy.reference == "01/KH-SNV" and copy.issuer_agency == org.snv and copy.files.exists()
    assert doc.recipients.get(agency=None).delivery == Recipient.Delivery.PENDING_EXTERNAL
    # issued documents are frozen
    with pytest.raises(Conflict):
        services.draft_update(actor=org.snv_specialist.user, document=doc, data={"subject": "khác"})
    with pytest.raises(RuntimeError):
        final.save()
    # the receiving clerk registers it
    reg = services.incoming_register_received(actor=org.stttt_clerk.user, document=copy)
    assert reg.status == S.REGISTERED and reg.register_number == 1
    receipt = AuditEvent.objects.get(action="documents.outgoing.registered_by_recipient")
    assert receipt.object_id == str(doc.pk) and receipt.note == org.stttt.name


def test_numbers_are_taken_at_issue_so_abandoned_drafts_leave_no_gap(org):
    services.draft_create(actor=org.snv_specialist.user, data={"subject": "Bỏ dở", "body": "x"})
    first = outgoing_issued(org)
    second = outgoing_issued(org, subject="Báo cáo thứ hai")
    secret = outgoing_issued(org, subject="Báo cáo mật", confidentiality=2)
    assert (first.number, second.number, secret.number) == (1, 2, 1)
    assert secret.register.confidential and not first.register.confidential


def test_issue_requires_approval(org):
    draft = services.draft_create(actor=org.snv_specialist.user, data={"subject": "Chưa duyệt", "body": "x"})
    with pytest.raises(Conflict):
        services.issue(actor=org.snv_clerk.user, document=draft)
    assert not Register.objects.exists()


def test_recall_and_replace(org):
    doc = outgoing_issued(org, recipients=[org.stttt])
    copy = doc.recipients.get().delivered_document
    with pytest.raises(ValidationFailed):
        services.recall(actor=org.snv_clerk.user, document=doc, reason="")
    replacement = services.replacement_draft(actor=org.snv_specialist.user, document=doc)
    assert replacement.replaces == doc and replacement.status == S.DRAFT
    services.draft_submit(actor=org.snv_specialist.user, document=replacement, reviewer=org.snv_leader)
    services.approve(actor=org.snv_leader.user, document=replacement)
    new = services.issue(actor=org.snv_clerk.user, document=replacement)
    doc.refresh_from_db()
    assert doc.status == S.REPLACED and new.number == 2
    other = outgoing_issued(org, recipients=[org.stttt], subject="Sẽ thu hồi")
    services.recall(actor=org.snv_leader.user, document=other, reason="Sai thể thức")
    other.refresh_from_db()
    other_copy = other.recipients.get().delivered_document
    assert other.status == S.RECALLED and other_copy.status == S.RECALLED
    assert other.recipients.get().delivery == Recipient.Delivery.RECALLED
    assert copy.pk != other_copy.pk


# ------------------------------------------------------------------ PDF steps registry

def append_incremental(*, pdf: bytes, actor, document) -> bytes:
    """A stand-in for a signing step: an incremental update that adds metadata."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/CongVuStep": f"{document.pk}:{actor.username}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_step(*, pdf: bytes, actor, document) -> bytes:
    raise RuntimeError("signing device unavailable")


def test_pdf_steps_run_at_approve_and_issue_and_store_new_versions(org, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setitem(pdfsteps.PDF_STEPS, "approve", [f"{__name__}.append_incremental"])
    monkeypatch.setitem(pdfsteps.PDF_STEPS, "issue", [f"{__name__}.append_incremental"])
    draft = services.draft_create(actor=org.snv_specialist.user, data={"subject": "Có ký số", "body": "Nội dung"})
    services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_leader)
    services.approve(actor=org.snv_leader.user, document=draft)
    approved = services.latest_main(draft)
    assert approved.reason.startswith("approve+") and approved.version == 2
    signed = approved.file.read()
    assert signed.count(b"%%EOF") == 2  # the rendered PDF plus one incremental update
    doc = services.issue(actor=org.snv_clerk.user, document=draft)
    issued = services.latest_main(doc)
    assert issued.version == 3 and issued.file.read().startswith(signed)  # not re-rendered: signature kept
    meta = PdfReader(io.BytesIO(issued.file.read())).metadata
    assert meta["/CongVuStep"] == f"{doc.pk}:vanthu.snv"


def test_a_failing_pdf_step_aborts_the_issue_with_no_number_taken(org, monkeypatch):
    draft = services.draft_create(actor=org.snv_specialist.user, data={"subject": "Lỗi ký", "body": "Nội dung"})
    services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_leader)
    services.approve(actor=org.snv_leader.user, document=draft)
    monkeypatch.setitem(pdfsteps.PDF_STEPS, "issue", [f"{__name__}.broken_step"])
    with pytest.raises(RuntimeError):
        services.issue(actor=org.snv_clerk.user, document=draft)
    draft.refresh_from_db()
    assert draft.status == S.APPROVED and draft.number is None
    assert not Register.objects.filter(direction="outgoing", last_number__gt=0).exists()


def test_uploaded_docx_body_is_accepted(org):
    draft = services.draft_create(actor=org.snv_specialist.user, data={"subject": "Tờ trình", "doc_type": "to_trinh"},
                                  body_file=("to-trinh.docx", make_docx("Kính trình Ủy ban nhân dân thành phố")))
    assert not draft.composed and services.latest_main(draft).name == "to-trinh.docx"
    assert draft.symbol == "TTr-SNV"


def test_urgent_incoming_gets_a_default_deadline(org):
    import datetime as dt

    from django.utils import timezone

    from congvu.core.selectors import work_calendar

    today = timezone.localdate()
    flash = register_incoming(org, number=1, urgency=3)
    urgent = register_incoming(org, number=2, urgency=1)
    normal = register_incoming(org, number=3)
    given = register_incoming(org, number=4, urgency=1, due_on=(today + dt.timedelta(days=10)).strftime("%d/%m/%Y"))
    assert flash.due_on == today and urgent.due_on == work_calendar().next_working_day(today)
    assert normal.due_on is None and given.due_on == today + dt.timedelta(days=10)


def test_confidential_outgoing_goes_to_external_recipients_on_paper_only(org):
    doc = outgoing_issued(org, recipients=[org.stttt], external=["Bộ Công an"], confidentiality=1)
    assert doc.recipients.get(agency=None).delivery == Recipient.Delivery.PAPER_ONLY
    assert doc.recipients.get(agency=org.stttt).delivery == Recipient.Delivery.DELIVERED


def test_composed_body_is_text_never_markup(org):
    hostile = '<img src="http://127.0.0.1:9/x.png"><script>alert(1)</script> & “ngoặc” \u0000'.replace("\u0000", "")
    draft = services.draft_create(actor=org.snv_specialist.user, data={"subject": "Thử <b>đậm</b>", "body": hostile})
    text = services.latest_main(draft).text
    assert "x.png\">" in text and "<script>alert(1)</script>" in text and "Thử <b>đậm</b>" in text
