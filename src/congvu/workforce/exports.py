"""Excel exports: the plan (person × day) and the monthly attendance sheet of a unit."""

from __future__ import annotations

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _header(ws, row: int, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=_safe(value))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def plan_workbook(plan, days, grid, *, agency=None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo người"
    title = f"Phương án làm việc: {plan.rule_set.name}" + (f" — {agency.name}" if agency is not None else "")
    ws.cell(row=1, column=1, value=_safe(title)).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=f"Từ {plan.rule_set.period_start:%d/%m/%Y} đến {plan.rule_set.period_end:%d/%m/%Y}"
                                   f" — T: tại trụ sở, N: tại nhà")
    _header(ws, 4, ["STT", "Họ và tên", "Mã cán bộ", "Cơ quan", "Phòng"] + [d.strftime("%d/%m") for d in days]
            + ["Số ngày tại trụ sở"])
    for i, row in enumerate(grid, start=1):
        s = row["staff"]
        values = [i, s.user.get_full_name(), s.employee_code, s.agency.short_name, s.room.code if s.room else ""]
        values += ["T" if c else ("N" if c is not None else "") for c in row["cells"]] + [row["onsite_days"]]
        for col, value in enumerate(values, start=1):
            ws.cell(row=4 + i, column=col, value=_safe(value))
    ws.column_dimensions["B"].width = 28
    for col in range(6, 6 + len(days)):
        ws.column_dimensions[get_column_letter(col)].width = 7
    ws.freeze_panes = "F5"
    by_day = wb.create_sheet("Theo ngày")
    _header(by_day, 1, ["Ngày", "Số người tại trụ sở", "Danh sách"])
    for r, day in enumerate(days, start=2):
        names = [row["staff"].user.get_full_name() for row in grid if row["cells"][days.index(day)]]
        by_day.cell(row=r, column=1, value=day.strftime("%d/%m/%Y"))
        by_day.cell(row=r, column=2, value=len(names))
        by_day.cell(row=r, column=3, value=_safe(", ".join(names)))
    by_day.column_dimensions["C"].width = 100
    return wb


def attendance_workbook(agency, unit, year: int, month: int, sheet: dict) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{month:02d}-{year}"
    title = f"Bảng chấm công tháng {month:02d}/{year} — {agency.name}" + (f" — {unit.name}" if unit else "")
    ws.cell(row=1, column=1, value=_safe(title)).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value="T: làm việc tại trụ sở, N: làm việc tại nhà, để trống: không điểm danh")
    days = sheet["days"]
    _header(ws, 4, ["STT", "Họ và tên", "Mã cán bộ", "Đơn vị"] + [str(d.day) for d in days]
            + ["Tại trụ sở", "Tại nhà", "Không điểm danh (ngày làm việc)"])
    for i, row in enumerate(sheet["rows"], start=1):
        s = row["staff"]
        values = [i, s.user.get_full_name(), s.employee_code, s.unit.name if s.unit else ""] + row["cells"] + [
            row["onsite"], row["home"], row["absent"]]
        for col, value in enumerate(values, start=1):
            ws.cell(row=4 + i, column=col, value=_safe(value))
    ws.column_dimensions["B"].width = 28
    for col in range(5, 5 + len(days)):
        ws.column_dimensions[get_column_letter(col)].width = 4
    ws.freeze_panes = "E5"
    return wb


def xlsx_response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
