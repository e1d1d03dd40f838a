"""Demo documents for the demo city: incoming documents at the Department of Home Affairs in every stage,
outgoing drafts under review, an issued document delivered to the Department of Information and
Communications, and a confidential one.  Idempotent: a second run changes nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from congvu.org.models import Staff

from . import services
from .models import Document

INCOMING = [
    # (number, symbol, type, issuer, date, subject, urgency, confidentiality, stage)
    (1045, "VP-NC", "cong_van", "Văn phòng UBND thành phố Hải Phòng", "20/03/2026",
     "Triển khai thực hiện Kết luận của Chủ tịch UBND thành phố về cải cách hành chính quý II", 1, 0, "done"),
    (161, "TB-UBND", "thong_bao", "Ủy ban nhân dân thành phố Hải Phòng", "25/03/2026",
     "Kết luận của Chủ tịch UBND thành phố tại cuộc họp giao ban tháng 3", 0, 0, "directed"),
    (2042, "UBND-DL1", "cong_van", "Ủy ban nhân dân tỉnh Quảng Ninh", "26/03/2026",
     "Phối hợp tổ chức làm việc trực tuyến giữa các cơ quan hành chính", 2, 0, "submitted"),
    (18, "KH-BNV", "ke_hoach", "Bộ Nội vụ", "27/03/2026",
     "Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2026", 0, 0, "registered"),
    (7, "CT-UBND", "chi_thi", "Ủy ban nhân dân thành phố Hải Phòng", "28/03/2026",
     "Tăng cường bảo vệ bí mật nhà nước trong tình hình mới", 3, 1, "directed"),
]


def _pdf(lines: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    return HTML(string=f"<html><body style='font-family: Liberation Serif; font-size: 13pt'>{body}</body></html>"
                ).write_pdf()


def _staff(username: str) -> Staff | None:
    return Staff.objects.select_related("user", "agency", "unit").filter(user__username=username).first()


@transaction.atomic
def load() -> dict[str, int]:
    clerk, leader, head, specialist = (_staff(u) for u in ("vanthu.snv", "lanhdao.snv", "truongphong.snv",
                                                             "chuyenvien.snv"))
    if None in (clerk, leader, specialist) or Document.objects.filter(agency=clerk.agency).exists():
        return {"documents": 0}
    head = head or leader
    made = 0
    for number, symbol, doc_type, issuer, date, subject, urgency, secret, stage in INCOMING:
        text = [issuer.upper(), f"Số: {number}/{symbol}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                f"Hải Phòng, ngày {date[:2]} tháng {int(date[3:5])} năm {date[6:]}", subject,
                "Nội dung văn bản mẫu dùng cho bản trình diễn của Công Vụ."]
        doc = services.incoming_register(actor=clerk.user, files=[(f"{number}-{symbol}.pdf", _pdf(text))], data={
            "doc_type": doc_type, "number": number, "symbol": symbol, "issuer_name": issuer, "issued_on": date,
            "subject": subject, "urgency": urgency, "confidentiality": secret})
        made += 1
        if stage == "registered":
            continue
        services.incoming_submit(actor=clerk.user, document=doc, leader=leader)
        if stage == "submitted":
            continue
        services.incoming_direct(actor=leader.user, document=doc, lead_person=specialist,
                                 info_units=[clerk.unit] if clerk.unit else [],
                                 note="Giao chuyên viên tham mưu, báo cáo kết quả trước hạn.")
        if stage == "done":
            lead = doc.assignments.get(kind="lead")
            services.assignment_progress(actor=specialist.user, assignment=lead, text="Đã tổng hợp ý kiến các phòng.")
            services.assignment_finish(actor=specialist.user, assignment=lead, note="Đã báo cáo lãnh đạo Sở.")
    # outgoing: a draft, one under review, one issued to the Department of Information and Communications
    services.draft_create(actor=specialist.user, signer=leader, data={
        "doc_type": "bao_cao", "subject": "Báo cáo kết quả cải cách hành chính quý I năm 2026",
        "body": "Thực hiện Kế hoạch cải cách hành chính năm 2026, Sở Nội vụ báo cáo như sau:\n"
                "I. Kết quả đạt được\nII. Tồn tại, hạn chế\nIII. Nhiệm vụ quý II", "authority": "KT.",
        "authority_line": "GIÁM ĐỐC"})
    review = services.draft_create(actor=specialist.user, signer=leader, data={
        "doc_type": "ke_hoach", "subject": "Kế hoạch bố trí làm việc trực tuyến của Sở Nội vụ",
        "body": "Căn cứ chỉ đạo của UBND thành phố, Sở Nội vụ ban hành Kế hoạch như sau:\n1. Mục đích, yêu cầu\n"
                "2. Nội dung thực hiện"})
    services.draft_submit(actor=specialist.user, document=review, reviewer=head)
    stttt = _staff("vanthu.stttt")
    issued = services.draft_create(
        actor=specialist.user, signer=leader, data={
            "doc_type": "cong_van", "subject": "Đề nghị hỗ trợ tài khoản họp trực tuyến",
            "body": "Sở Nội vụ đề nghị Sở Thông tin và Truyền thông hỗ trợ cấp 20 tài khoản họp trực tuyến "
                    "phục vụ công tác chỉ đạo, điều hành.", "urgency": 1},
        recipients=[stttt.agency] if stttt else [], external_recipients=["Bộ Nội vụ"])
    services.draft_submit(actor=specialist.user, document=issued, reviewer=leader)
    services.approve(actor=leader.user, document=issued, comment="Đồng ý ban hành.")
    services.issue(actor=clerk.user, document=issued)
    made += 3
    User = get_user_model()
    return {"documents": made + (1 if stttt else 0), "users": User.objects.filter(staff__agency=clerk.agency).count()}
