"""Builders for the documents tests: real PDF/DOCX bytes, registered and issued documents."""

from __future__ import annotations

from samples import docx_bytes, pdf_bytes

from congvu.documents import services


def make_pdf(text: str) -> bytes:
    """A real PDF with a text layer (WeasyPrint), one paragraph per line."""
    return pdf_bytes(text)


def make_docx(text: str) -> bytes:
    return docx_bytes(text.splitlines())


INCOMING_TEXT = """BỘ NỘI VỤ
Số: 15/BNV-CCHC
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hà Nội, ngày 05 tháng 01 năm 2026
V/v triển khai cải cách hành chính năm 2026
Kính gửi: Sở Nội vụ các tỉnh, thành phố."""


def incoming_data(**over) -> dict:
    data = {"doc_type": "cong_van", "number": 15, "symbol": "BNV-CCHC", "issuer_name": "Bộ Nội vụ",
            "issued_on": "05/01/2026", "subject": "Triển khai cải cách hành chính năm 2026", "urgency": 0,
            "confidentiality": 0}
    data.update(over)
    return data


def register_incoming(org, *, clerk=None, pdf_text: str = "Văn bản thử nghiệm cải cách hành chính", **data):
    clerk = clerk or org.snv_clerk
    return services.incoming_register(actor=clerk.user, data=incoming_data(**data),
                                      files=[("van-ban.pdf", make_pdf(pdf_text))])


def outgoing_issued(org, *, recipients=(), external=(), confidentiality=0, subject="Báo cáo kết quả chuyển đổi số"):
    draft = services.draft_create(actor=org.snv_specialist.user, signer=org.snv_leader, data={
        "doc_type": "bao_cao", "subject": subject, "body": "Nội dung báo cáo.\nĐoạn thứ hai.",
        "confidentiality": confidentiality, "authority": "KT.", "authority_line": "GIÁM ĐỐC"},
        recipients=recipients, external_recipients=external)
    services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_leader)
    services.approve(actor=org.snv_leader.user, document=draft)
    return services.issue(actor=org.snv_clerk.user, document=draft)
