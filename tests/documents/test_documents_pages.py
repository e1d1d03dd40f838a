"""Pages: the incoming and outgoing flows through the forms, bad input, authorization, registers, verifiers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from documents_helpers import INCOMING_TEXT, make_docx, make_pdf, outgoing_issued, register_incoming

from congvu.core.models import AuditEvent
from congvu.documents import exports, verification
from congvu.documents.models import Assignment, Document

pytestmark = pytest.mark.django_db
S = Document.Status


def login(client, staff):
    client.force_login(staff.user)
    return client


def test_anonymous_is_sent_to_login(client, org):
    doc = register_incoming(org)
    for url in [reverse("documents:incoming"), reverse("documents:outgoing"), reverse("documents:search"),
                reverse("documents:detail", args=[doc.pk]), reverse("documents:registers"),
                reverse("documents:incoming_new"), reverse("documents:compose")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("documents:action", args=[doc.pk, "issue"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_prefills_then_registers(client, org):
    login(client, org.snv_clerk)
    page = client.post(reverse("documents:incoming_new"),
                       {"file": SimpleUploadedFile("cv.pdf", make_pdf(INCOMING_TEXT), "application/pdf")})
    html = page.content.decode()
    assert page.status_code == 200 and 'value="15"' in html and 'value="BNV-CCHC"' in html
    assert "05/01/2026" in html and "triển khai cải cách hành chính" in html
    sha = page.context["stored"].sha256
    data = {"doc_type": "cong_van", "number": "15", "symbol": "BNV-CCHC", "issuer_name": "Bộ Nội vụ",
            "issued_on": "05/01/2026", "subject": "Triển khai cải cách hành chính", "urgency": "1",
            "confidentiality": "0", "upload": sha}
    response = client.post(reverse("documents:incoming_new"), data)
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.register_number == 1 and doc.urgency == 1 and doc.files.get().name == "cv.pdf"
    detail = client.get(response["Location"]).content.decode()
    assert "KHẨN" in detail and "Vào sổ văn bản đến" in detail
    # the same again: duplicate warning, nothing registered until confirmed
    again = client.post(reverse("documents:incoming_new"), data)
    assert again.status_code == 400 and "có thể đã được vào sổ" in again.content.decode()
    assert Document.objects.count() == 1
    confirmed = client.post(reverse("documents:incoming_new"), {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302 and Document.objects.count() == 2


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.4 broken", "PDF bị hỏng"),
    (b"PK\x03\x04not a zip", "DOCX bị hỏng"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "định dạng cũ"),
])
def test_upload_of_bad_files_gives_a_clear_error(client, org, content, message):
    login(client, org.snv_clerk)
    response = client.post(reverse("documents:incoming_new"), {"file": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == 400 and message in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert not Document.objects.exists()


def test_upload_step_without_a_file_asks_for_one(client, org):
    login(client, org.snv_clerk)
    response = client.post(reverse("documents:incoming_new"), {})
    assert response.status_code == 400 and "error-summary" in response.content.decode()


def test_register_step_refuses_a_file_not_uploaded_in_this_session(client, org):
    login(client, org.snv_clerk)
    response = client.post(reverse("documents:incoming_new"), {
        "doc_type": "cong_van", "issuer_name": "X", "subject": "Y", "urgency": "0", "confidentiality": "0",
        "upload": "0" * 64})
    assert response.status_code == 400 and "tải lại tệp" in response.content.decode()
    assert not Document.objects.exists()


def test_non_clerks_cannot_open_the_registration_page(client, org):
    login(client, org.snv_specialist)
    assert client.get(reverse("documents:incoming_new")).status_code == 404


def test_incoming_routing_through_pages(client, org):
    doc = register_incoming(org)
    login(client, org.snv_clerk)
    r = client.post(reverse("documents:present", args=[doc.pk]), {"leader": org.snv_leader.pk})
    assert r.status_code == 302
    login(client, org.snv_leader)
    assert client.get(reverse("documents:direct", args=[doc.pk])).status_code == 200
    bad = client.post(reverse("documents:direct", args=[doc.pk]), {"deadline": "32/13/2026"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    r = client.post(reverse("documents:direct", args=[doc.pk]), {
        "lead_person": org.snv_specialist.pk, "info_units": [org.snv_unit.pk], "note": "Giao chuyên viên xử lý"})
    assert r.status_code == 302
    lead = doc.assignments.get(kind=Assignment.Kind.LEAD)
    login(client, org.snv_specialist)
    detail = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert f"assignment-{lead.pk}" in detail and "Giao chuyên viên xử lý" in detail
    client.post(reverse("documents:assignment", args=[lead.pk, "progress"]), {"text": "Đang tổng hợp số liệu"})
    r = client.post(reverse("documents:assignment", args=[lead.pk, "reply"]))
    reply = Document.objects.get(in_reply_to=doc)
    assert r["Location"] == reverse("documents:edit", args=[reply.pk])
    client.post(reverse("documents:assignment", args=[lead.pk, "finish"]), {"note": "Đã trả lời", "reply": reply.pk})
    doc.refresh_from_db()
    assert doc.status == S.DONE
    timeline = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    for label in ("Vào sổ văn bản đến", "Trình lãnh đạo", "Bút phê, chỉ đạo", "Hoàn thành xử lý"):
        assert label in timeline
    # someone of another agency cannot act on the assignment: 404, nothing changed
    info = doc.assignments.get(kind=Assignment.Kind.INFO)
    login(client, org.stttt_clerk)
    assert client.post(reverse("documents:assignment", args=[info.pk, "read"])).status_code == 404
    info.refresh_from_db()
    assert info.read_at is None


def test_outgoing_compose_review_approve_issue_through_pages(client, org):
    login(client, org.snv_specialist)
    assert client.get(reverse("documents:compose")).status_code == 200
    empty = client.post(reverse("documents:compose"), {"doc_type": "cong_van", "subject": "x", "urgency": "0",
                                                       "confidentiality": "0"})
    assert empty.status_code == 400 and "Cần soạn nội dung" in empty.content.decode()
    r = client.post(reverse("documents:compose"), {
        "doc_type": "cong_van", "subject": "Đề nghị cung cấp số liệu", "urgency": "0", "confidentiality": "0",
        "signer": org.snv_leader.pk, "authority": "KT.", "authority_line": "GIÁM ĐỐC",
        "body": "Sở Nội vụ đề nghị Quý Sở cung cấp số liệu.", "recipients": [org.stttt.pk],
        "external_recipients": "Bộ Nội vụ"})
    assert r.status_code == 302
    doc = Document.objects.get(direction="outgoing")
    assert doc.symbol == "SNV-VP" and doc.composed
    client.post(reverse("documents:action", args=[doc.pk, "submit"]), {"reviewer": org.snv_leader.pk})
    login(client, org.snv_leader)
    client.post(reverse("documents:action", args=[doc.pk, "return"]), {"note": "Bổ sung thời hạn"})
    doc.refresh_from_db()
    assert doc.status == S.RETURNED
    login(client, org.snv_specialist)
    r = client.post(reverse("documents:edit", args=[doc.pk]), {
        "doc_type": "cong_van", "subject": "Đề nghị cung cấp số liệu", "urgency": "0", "confidentiality": "0",
        "signer": org.snv_leader.pk, "authority": "KT.", "authority_line": "GIÁM ĐỐC",
        "body": "Sở Nội vụ đề nghị Quý Sở cung cấp số liệu trước ngày 15.", "recipients": [org.stttt.pk]})
    assert r.status_code == 302
    client.post(reverse("documents:action", args=[doc.pk, "submit"]), {"reviewer": org.snv_leader.pk})
    login(client, org.snv_leader)
    client.post(reverse("documents:action", args=[doc.pk, "approve"]), {"note": "Đồng ý"})
    login(client, org.snv_clerk)
    r = client.post(reverse("documents:action", args=[doc.pk, "issue"]))
    doc.refresh_from_db()
    assert doc.status == S.ISSUED and doc.reference == "01/SNV-VP"
    assert "Đã cấp số 01/SNV-VP" in client.get(r["Location"]).content.decode()
    # it arrived in STTTT's incoming queue
    login(client, org.stttt_clerk)
    queue = client.get(reverse("documents:incoming") + "?status=received").content.decode()
    assert "Đề nghị cung cấp số liệu" in queue
    home = client.get("/").content.decode()
    assert "Vào sổ: 01/SNV-VP" in home
    # the PDF is downloadable; the number and date are written into the fields over the "Số:" and date
    # lines (after the leader's signature, before the organisation's: Decree 30)
    import io

    from pypdf import PdfReader

    f = doc.files.order_by("-version").first()
    pdf = login(client, org.snv_clerk).get(reverse("documents:file", args=[doc.pk, f.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    fields = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).get_form_text_fields()
    assert "Số: 01/SNV-VP" in fields.values()
    assert AuditEvent.objects.filter(action="documents.file.download").exists()


def test_denied_actions_change_nothing(client, org):
    draft_doc = outgoing_issued(org)
    login(client, org.snv_specialist)  # not a clerk: recall refused
    r = client.post(reverse("documents:action", args=[draft_doc.pk, "recall"]), {"note": "thử"})
    assert r.status_code == 302
    draft_doc.refresh_from_db()
    assert draft_doc.status == S.ISSUED
    login(client, org.stttt_clerk)  # another agency: 404
    assert client.post(reverse("documents:action", args=[draft_doc.pk, "recall"]), {"note": "x"}).status_code == 404
    assert client.post(reverse("documents:action", args=[draft_doc.pk, "nonsense"])).status_code == 404
    draft_doc.refresh_from_db()
    assert draft_doc.status == S.ISSUED


def test_uploaded_docx_body_and_edit_keeps_file(client, org):
    login(client, org.snv_specialist)
    r = client.post(reverse("documents:compose"), {
        "doc_type": "to_trinh", "subject": "Tờ trình kiện toàn tổ chức", "urgency": "0", "confidentiality": "0",
        "body_file": SimpleUploadedFile("tt.docx", make_docx("Kính trình UBND thành phố"))})
    assert r.status_code == 302
    doc = Document.objects.get()
    r = client.post(reverse("documents:edit", args=[doc.pk]), {
        "doc_type": "to_trinh", "subject": "Tờ trình kiện toàn tổ chức (sửa)", "urgency": "0",
        "confidentiality": "0"})
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.subject.endswith("(sửa)") and doc.files.count() == 1 and not doc.composed


def test_registers_pages_and_excel_columns(client, org):
    from openpyxl import load_workbook

    inc = register_incoming(org)
    out = outgoing_issued(org, recipients=[org.stttt], external=["Bộ Nội vụ"])
    login(client, org.snv_clerk)
    page = client.get(reverse("documents:registers")).content.decode()
    assert "Sổ đăng ký văn bản đến" in page and "Sổ đăng ký văn bản đi" in page
    html = client.get(reverse("documents:register", args=[inc.register_id])).content.decode()
    assert "Số đến" in html and "Bộ Nội vụ" in html
    response = client.get(reverse("documents:register_export", args=[out.register_id]))
    assert response["Content-Type"] == exports.XLSX
    assert "so-van-ban-di-" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[4] == exports.OUTGOING_COLUMNS and rows[5] == list(range(1, 11))
    assert rows[6][0] == "01/BC-SNV" and rows[6][4] == "Sở Thông tin và Truyền thông; Bộ Nội vụ"
    ws_in = load_workbook(io.BytesIO(client.get(reverse("documents:register_export",
                                                        args=[inc.register_id])).content)).active
    assert [c.value for c in ws_in[5]] == exports.INCOMING_COLUMNS
    assert [c.value for c in ws_in[7]][1:4] == [1, "Bộ Nội vụ", "15/BNV-CCHC"]


def test_excel_export_neutralises_formulas():
    assert exports._safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and exports._safe(5) == 5


def fake_verifier(*, document_file, user):
    return {"title": "Chữ ký số thử nghiệm", "ok": True, "lines": [f"{document_file.file.size} byte {user}"]}


def broken_verifier(*, document_file, user):
    raise RuntimeError("verifier down")


def test_verifiers_are_shown_on_the_detail_page(client, org, monkeypatch):
    doc = register_incoming(org)
    monkeypatch.setattr(verification, "VERIFIERS", [f"{__name__}.fake_verifier", f"{__name__}.broken_verifier"])
    html = login(client, org.snv_clerk).get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "Chữ ký số thử nghiệm" in html and "hợp lệ" in html
    assert "Lỗi kiểm tra: RuntimeError" in html  # a broken verifier does not break the page


def test_search_page_filters_and_odd_input(client, org):
    register_incoming(org, subject="Kế hoạch phòng chống thiên tai")
    login(client, org.snv_specialist)
    html = client.get(reverse("documents:search"), {"q": "THIEN TAI"}).content.decode()
    assert "Kế hoạch phòng chống thiên tai" in html
    assert client.get(reverse("documents:search"), {"q": "x", "date_from": "99/99/9999"}).status_code == 400
    assert client.get(reverse("documents:search"), {"q": "a" * 600}).status_code == 400
    assert client.get(reverse("documents:search"), {"q": "thiên tai", "page": "abc"}).status_code == 200
    assert client.get(reverse("documents:incoming"), {"status": "<script>", "page": "-1"}).status_code == 200
