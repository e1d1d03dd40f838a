"""Register books as tables and Excel files, with the columns of Decree 30 (Appendix IV)."""

from __future__ import annotations

import io

from congvu.core.files import XLSX
from congvu.core.text import fold

from .models import Direction, Document, Register

OUTGOING_COLUMNS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký",
                    "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
                    "Ghi chú"]
INCOMING_COLUMNS = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
                    "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]


def columns(reg: Register) -> list[str]:
    return INCOMING_COLUMNS if reg.direction == Direction.INCOMING else OUTGOING_COLUMNS


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _marks(doc: Document) -> str:
    parts = [*doc.marks, doc.get_status_display() if doc.status in ("recalled", "replaced") else "", doc.note]
    return "; ".join(p for p in parts if p)


def row(doc: Document) -> list:
    type_subject = f"{doc.type_name}: {doc.subject}"
    if doc.direction == Direction.INCOMING:
        handlers = []
        for a in doc.assignments.all():
            if a.state != "forwarded":
                who = a.staff.full_name if a.staff_id else (a.unit.name if a.unit_id else "")
                handlers.append(f"{who} ({a.get_kind_display().lower()})")
        moved = min((a.created_at for a in doc.assignments.all()), default=None)
        return [_d(doc.received_on), doc.register_number, doc.issuer_name, doc.reference, _d(doc.issued_on),
                type_subject, "; ".join(handlers), _d(moved.date() if moved else None), "", _marks(doc)]
    recipients = "; ".join(r.name for r in doc.recipients.all()) or doc.recipients_text.replace("\n", "; ")
    delivered = min((r.delivered_at for r in doc.recipients.all() if r.delivered_at), default=None)
    signer = ", ".join(x for x in [doc.signer_title, doc.signer_name] if x)
    return [doc.reference, _d(doc.issued_on), type_subject, signer, recipients, doc.file_copy_holder or "Lưu: VT",
            doc.copies, _d(delivered.date() if delivered else None), "", _marks(doc)]


def filename(reg: Register) -> str:
    kind = "den" if reg.direction == Direction.INCOMING else "di"
    secret = "-mat" if reg.confidential else ""
    return f"so-van-ban-{kind}{secret}-{reg.year}-{fold(reg.agency.short_name).replace(' ', '')}.xlsx"


def register_xlsx(reg: Register, docs) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{reg.year}"
    title = ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" if reg.direction == Direction.INCOMING else "SỔ ĐĂNG KÝ VĂN BẢN ĐI") + (
        " (MẬT)" if reg.confidential else "")
    ws.append([reg.agency.name.upper()])
    ws.append([title])
    ws.append([f"Năm {reg.year}"])
    ws.append([])
    cols = columns(reg)
    ws.append(cols)
    ws.append(list(range(1, len(cols) + 1)))
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws["A2"].font = Font(bold=True, size=14)
    for doc in docs:
        values = row(doc)
        ws.append([_safe(v) for v in values])
    for i, width in enumerate([14, 10, 30, 16, 14, 50, 30, 14, 12, 20][:len(cols)]):
        ws.column_dimensions[chr(65 + i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _safe(value):
    """Text starting with = + - @ is written as text, never as a formula (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


__all__ = ["XLSX", "columns", "row", "register_xlsx", "filename"]
