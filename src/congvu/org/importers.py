"""Import of an organisation structure and staff list from CSV or Excel.

One kind per CSV file (``agencies``, ``units``, ``rooms``, ``staff``); an Excel workbook
may hold one sheet per kind (sheet names in Vietnamese or English: "Cơ quan"/"agencies",
"Đơn vị"/"units", "Phòng"/"rooms", "Cán bộ"/"staff"), imported in that order.  Headers
may be Vietnamese or English, with or without diacritics (see ``HEADERS``).

All rows are checked and written in one transaction; every row that fails is reported
with its sheet, row number and field, and if any row fails nothing is imported.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import DomainError, ValidationFailed
from congvu.core.text import decode_bytes, fold, normalize

from . import services
from .models import Agency, Position, Role, Room, Staff, Unit

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
KINDS = ("agencies", "units", "rooms", "staff")

HEADERS: dict[str, dict[str, str]] = {
    "agencies": {
        "ma_dinh_danh": "code", "code": "code", "ma": "code",
        "ten": "name", "ten_co_quan": "name", "name": "name",
        "ten_viet_tat": "short_name", "short_name": "short_name", "viet_tat": "short_name",
        "loai": "kind", "kind": "kind",
        "ma_cap_tren": "parent_code", "co_quan_cap_tren": "parent_code", "parent_code": "parent_code",
        "parent": "parent_code",
        "dia_danh": "place_name", "place_name": "place_name",
        "hieu_luc_tu": "valid_from", "valid_from": "valid_from",
        "hieu_luc_den": "valid_to", "valid_to": "valid_to",
        "mien_gioi_han": "exempt", "mien_gioi_han_tai_tru_so": "exempt", "exempt": "exempt",
        "email": "email", "thu_dien_tu": "email", "dien_thoai": "phone", "phone": "phone",
        "dia_chi": "address", "address": "address",
    },
    "units": {
        "ma_co_quan": "agency_code", "agency_code": "agency_code", "agency": "agency_code",
        "ma_don_vi": "code", "ma": "code", "code": "code",
        "ten": "name", "ten_don_vi": "name", "name": "name",
        "ten_viet_tat": "short_name", "short_name": "short_name",
        "mot_cua": "one_stop", "bo_phan_mot_cua": "one_stop", "one_stop": "one_stop",
        "ma_don_vi_cap_tren": "parent_code", "parent_code": "parent_code",
    },
    "rooms": {
        "ma_co_quan": "agency_code", "agency_code": "agency_code", "agency": "agency_code",
        "ma_phong": "code", "ma": "code", "code": "code",
        "ten": "name", "ten_phong": "name", "name": "name",
        "toa_nha": "building", "building": "building", "tang": "floor", "floor": "floor",
        "suc_chua": "capacity", "capacity": "capacity",
    },
    "staff": {
        "ma_can_bo": "employee_code", "employee_code": "employee_code", "ma": "employee_code",
        "ho_ten": "full_name", "ho_va_ten": "full_name", "full_name": "full_name", "name": "full_name",
        "ten_dang_nhap": "username", "username": "username",
        "email": "email", "thu_dien_tu": "email",
        "ma_co_quan": "agency_code", "agency_code": "agency_code", "agency": "agency_code",
        "ma_don_vi": "unit_code", "unit_code": "unit_code", "unit": "unit_code",
        "ma_phong": "room_code", "room_code": "room_code", "room": "room_code",
        "chuc_vu": "position", "position": "position",
        "vai_tro": "roles", "roles": "roles",
    },
}
REQUIRED = {
    "agencies": {"code", "name", "short_name"},
    "units": {"agency_code", "code", "name"},
    "rooms": {"agency_code", "code", "name"},
    "staff": {"employee_code", "full_name", "username", "agency_code"},
}
SHEET_NAMES = {
    "co_quan": "agencies", "agencies": "agencies", "don_vi": "units", "units": "units",
    "phong": "rooms", "phong_lam_viec": "rooms", "rooms": "rooms",
    "can_bo": "staff", "nhan_su": "staff", "staff": "staff",
}


def _kind_aliases() -> dict[str, str]:
    """Agency kinds by code and by label in every interface language (built per call: labels are lazy)."""
    from django.conf import settings
    from django.utils import translation

    aliases = {v: v for v in Agency.Kind.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            aliases |= {fold(str(label)): value for value, label in Agency.Kind.choices}
    return aliases

TRUE_WORDS = {"1", "x", "co", "yes", "true", "dung", "y"}
FALSE_WORDS = {"", "0", "khong", "no", "false", "n"}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(header or "")).strip("_")


@dataclass
class RowError:
    sheet: str
    row: int
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.sheet}, dòng {self.row}" + (f", cột {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(ValidationFailed):
    code = "import_failed"

    def __init__(self, result: ImportResult):
        super().__init__(_("Có %(n)s dòng lỗi; không dữ liệu nào được nhập.") % {"n": len(result.errors)},
                         details={"errors": [e.as_dict() for e in result.errors]})
        self.result = result


# --- reading ------------------------------------------------------------------------------------

def read_table(data: bytes, *, filename: str) -> dict[str, list[dict[str, str]]]:
    """Rows per kind.  Raises ValidationFailed for unreadable files."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("Tệp quá lớn (tối đa 20 MB)."))
    if not data.strip():
        raise ValidationFailed(_("Tệp rỗng."))
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationFailed(_("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy lưu lại dạng .xlsx hoặc CSV."))
    return {"": _read_csv(data)}


def _read_csv(data: bytes) -> list[dict[str, str]]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationFailed(_("Tệp không phải văn bản CSV."))
    text = decode_bytes(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = list(_limited(reader))
    except csv.Error as exc:
        raise ValidationFailed(_("CSV không hợp lệ: %(e)s") % {"e": exc}) from None
    return _to_dicts(rows)


def _limited(iterable):
    for i, row in enumerate(iterable):
        if i > MAX_ROWS:
            raise ValidationFailed(_("Quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_ROWS})
        yield row


def _to_dicts(rows: list[list]) -> list[dict[str, str]]:
    rows = [r for r in rows if any(str(c).strip() for c in r if c is not None)]
    if not rows:
        return []
    header = [normalize(str(h or "")).strip() for h in rows[0]]
    out = []
    for raw in rows[1:]:
        values = ["" if v is None else (normalize(str(v)).strip() if not hasattr(v, "isoformat") else v) for v in raw]
        out.append({header[i]: values[i] if i < len(values) else "" for i in range(len(header)) if header[i]})
    return out


def _read_xlsx(data: bytes) -> dict[str, list[dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ValidationFailed(_("Không đọc được tệp Excel: %(e)s") % {"e": type(exc).__name__}) from None
    sheets: dict[str, list[dict[str, str]]] = {}
    try:
        for ws in workbook.worksheets:
            kind = SHEET_NAMES.get(_key(ws.title), "")
            rows = [list(r) for r in _limited(ws.iter_rows(values_only=True))]
            sheets[kind or ws.title] = _to_dicts(rows)
    finally:
        workbook.close()
    return sheets


# --- importing ----------------------------------------------------------------------------------

def import_file(data: bytes, *, filename: str, kind: str | None = None, actor=None,
                default_password: str | None = None) -> ImportResult:
    """Read and import; raises ImportFailed (nothing written) when any row is wrong."""
    tables = read_table(data, filename=filename)
    ordered: list[tuple[str, str, list[dict]]] = []
    for name, rows in tables.items():
        this_kind = kind if name == "" else (name if name in KINDS else None)
        if this_kind is None:
            if name == "":
                raise ValidationFailed(_("Cần chỉ rõ loại dữ liệu: agencies, units, rooms hoặc staff."))
            continue  # an unrelated sheet
        if this_kind not in KINDS:
            raise ValidationFailed(_("Loại dữ liệu không hợp lệ: %(k)s") % {"k": this_kind})
        ordered.append((this_kind, name or filename, rows))
    if not ordered:
        raise ValidationFailed(_("Không thấy trang tính nào có tên Cơ quan, Đơn vị, Phòng hoặc Cán bộ."))
    ordered.sort(key=lambda item: KINDS.index(item[0]))
    result = ImportResult()
    services.roles_ensure_builtin()
    try:
        with transaction.atomic():
            for this_kind, sheet, rows in ordered:
                _import_rows(this_kind, sheet, rows, result, actor=actor, default_password=default_password)
            if result.errors:
                raise ImportFailed(result)
    except ImportFailed:
        raise
    return result


def _map_row(kind: str, sheet: str, number: int, row: dict, result: ImportResult) -> dict | None:
    aliases = HEADERS[kind]
    mapped: dict[str, object] = {}
    for header, value in row.items():
        target = aliases.get(_key(header))
        if target:
            mapped[target] = value
    missing = [f for f in REQUIRED[kind] if not str(mapped.get(f) or "").strip()]
    for f in sorted(missing):
        result.errors.append(RowError(sheet, number, f, _("thiếu giá trị bắt buộc")))
    return None if missing else mapped


def _import_rows(kind: str, sheet: str, rows: list[dict], result: ImportResult, *, actor, default_password):
    if rows:
        known = set(HEADERS[kind])
        headers = {_key(h) for h in rows[0]}
        if not headers & known:
            result.errors.append(RowError(sheet, 1, None, _("không nhận ra tiêu đề cột nào")))
            return
    pending = [(i + 2, row) for i, row in enumerate(rows)]  # row 1 is the header
    handler = {"agencies": _agency_row, "units": _unit_row, "rooms": _room_row, "staff": _staff_row}[kind]
    # Agencies may name a parent further down the file: retry deferred rows while progress is made.
    while pending:
        deferred = []
        for number, row in pending:
            mapped = _map_row(kind, sheet, number, row, result)
            if mapped is None:
                continue
            try:
                with transaction.atomic():
                    outcome = handler(mapped, actor=actor, default_password=default_password)
            except _Defer:
                deferred.append((number, row))
                continue
            except DomainError as exc:
                result.errors.append(RowError(sheet, number, exc.field, str(exc)))
                continue
            if outcome:
                result.created[kind] += 1
        if len(deferred) == len(pending):
            for number, row in deferred:
                result.errors.append(RowError(sheet, number, "parent_code",
                                              _("không tìm thấy cơ quan cấp trên %(c)s") % {
                                                  "c": _mapped_value(kind, row, "parent_code")}))
            break
        pending = deferred


class _Defer(Exception):
    pass


def _mapped_value(kind, row, target):
    for header, value in row.items():
        if HEADERS[kind].get(_key(header)) == target:
            return value
    return ""


def _date(value, field_name):
    if value in (None, ""):
        return None
    try:
        return parse_date(value if hasattr(value, "isoformat") else str(value))
    except DateParseError as exc:
        raise ValidationFailed(_("ngày không hợp lệ (%(e)s); ví dụ 01/07/2025") % {"e": exc},
                               field=field_name) from None


def _bool(value, field_name) -> bool:
    key = fold(str(value or ""))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValidationFailed(_("giá trị có/không không hợp lệ: %(v)s") % {"v": value}, field=field_name)


def _agency(code, field_name="agency_code") -> Agency:
    code = str(code).strip().upper()
    agency = Agency.objects.filter(code=code, valid_to__isnull=True).first() or \
        Agency.objects.filter(code=code).order_by("-valid_to").first()
    if agency is None:
        raise ValidationFailed(_("không có cơ quan mã %(c)s") % {"c": code}, field=field_name)
    return agency


def _agency_row(row, *, actor, default_password):
    parent = None
    if str(row.get("parent_code") or "").strip():
        parent = Agency.objects.filter(code=str(row["parent_code"]).strip().upper()).order_by(
            "valid_to").first()
        if parent is None:
            raise _Defer
    kind_key = fold(str(row.get("kind") or ""))
    aliases = _kind_aliases()
    kind = aliases.get(kind_key, Agency.Kind.KHAC) if kind_key else Agency.Kind.KHAC
    if kind_key and kind_key not in aliases:
        raise ValidationFailed(_("loại cơ quan không hợp lệ: %(k)s") % {"k": row.get("kind")}, field="kind")
    code = str(row["code"]).strip().upper()
    valid_from, valid_to = _date(row.get("valid_from"), "valid_from"), _date(row.get("valid_to"), "valid_to")
    name = normalize(str(row["name"])).strip()
    if Agency.objects.filter(code=code, name=name, valid_from=valid_from, valid_to=valid_to).exists():
        return False  # already imported: importing twice is safe
    services.agency_create(
        actor=actor, code=code, name=name, short_name=str(row["short_name"]), kind=kind,
        parent=parent, place_name=str(row.get("place_name") or ""), valid_from=valid_from, valid_to=valid_to,
        exempt_from_onsite_limits=_bool(row.get("exempt"), "exempt"), email=str(row.get("email") or ""),
        phone=str(row.get("phone") or ""), address=str(row.get("address") or ""),
    )
    return True


def _unit_row(row, *, actor, default_password):
    agency = _agency(row["agency_code"])
    code = str(row["code"]).strip()
    if Unit.objects.filter(agency=agency, code=code).exists():
        return False
    parent = None
    if str(row.get("parent_code") or "").strip():
        parent = Unit.objects.filter(agency=agency, code=str(row["parent_code"]).strip()).first()
        if parent is None:
            raise ValidationFailed(_("không có đơn vị cấp trên %(c)s") % {"c": row["parent_code"]},
                                   field="parent_code")
    name = normalize(str(row["name"])).strip()
    if len(name) > 200 or len(code) > 30:
        raise ValidationFailed(_("tên hoặc mã đơn vị quá dài"), field="name")
    unit = Unit.objects.create(agency=agency, code=code, name=name, parent=parent,
                               short_name=normalize(str(row.get("short_name") or ""))[:30],
                               is_one_stop_desk=_bool(row.get("one_stop"), "one_stop"))
    from congvu.core import audit

    audit.record(action="org.unit_create", actor=actor, obj=unit, agency_id=agency.pk)
    return True


def _room_row(row, *, actor, default_password):
    agency = _agency(row["agency_code"])
    code = str(row["code"]).strip()
    if Room.objects.filter(agency=agency, code=code).exists():
        return False
    raw_capacity = str(row.get("capacity") or "4").strip()
    try:
        capacity = int(float(raw_capacity))
    except ValueError:
        raise ValidationFailed(_("sức chứa phải là số nguyên dương"), field="capacity") from None
    if not 1 <= capacity <= 500 or float(raw_capacity) != capacity:
        raise ValidationFailed(_("sức chứa phải là số nguyên từ 1 đến 500"), field="capacity")
    room = Room.objects.create(agency=agency, code=code[:40], name=normalize(str(row["name"]))[:100],
                               building=normalize(str(row.get("building") or ""))[:100],
                               floor=str(row.get("floor") or "")[:10], capacity=capacity)
    from congvu.core import audit

    audit.record(action="org.room_create", actor=actor, obj=room, agency_id=agency.pk)
    return True


def _staff_row(row, *, actor, default_password):
    agency = _agency(row["agency_code"])
    employee_code = str(row["employee_code"]).strip()
    if Staff.objects.filter(employee_code=employee_code, user__username=str(row["username"]).strip()).exists():
        return False
    unit = room = position = None
    if str(row.get("unit_code") or "").strip():
        unit = Unit.objects.filter(agency=agency, code=str(row["unit_code"]).strip()).first()
        if unit is None:
            raise ValidationFailed(_("không có đơn vị %(c)s trong cơ quan") % {"c": row["unit_code"]},
                                   field="unit_code")
    if str(row.get("room_code") or "").strip():
        room = Room.objects.filter(agency=agency, code=str(row["room_code"]).strip()).first()
        if room is None:
            raise ValidationFailed(_("không có phòng %(c)s trong cơ quan") % {"c": row["room_code"]},
                                   field="room_code")
    if str(row.get("position") or "").strip():
        label = normalize(str(row["position"])).strip()
        position = Position.objects.filter(code=_key(label)).first() or Position.objects.filter(
            name__iexact=label).first()
        if position is None:
            position = Position.objects.create(code=_key(label)[:40], name=label[:100],
                                               is_leader=fold(label).startswith(("giam doc", "pho giam doc",
                                                                                 "chu tich", "pho chu tich",
                                                                                 "chanh van phong",
                                                                                 "pho chanh van phong",
                                                                                 "truong", "pho truong")))
    roles = _roles(str(row.get("roles") or ""))
    email = str(row.get("email") or "").strip()
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise ValidationFailed(_("địa chỉ thư điện tử không hợp lệ"), field="email")
    services.staff_create(actor=actor, username=str(row["username"]), full_name=str(row["full_name"]),
                          agency=agency, employee_code=employee_code, email=email, password=default_password,
                          unit=unit, room=room, position=position, role_codes=roles)
    return True


def _roles(text: str) -> list[str]:
    if not text.strip():
        return []
    by_name = {fold(r.name): r.code for r in Role.objects.all()} | {r.code: r.code for r in Role.objects.all()}
    out = []
    for part in re.split(r"[,;|]", text):
        key = fold(part)
        if not key:
            continue
        code = by_name.get(key) or by_name.get(key.replace(" ", "_"))
        if code is None:
            raise ValidationFailed(_("vai trò không tồn tại: %(r)s") % {"r": part.strip()}, field="roles")
        out.append(code)
    return out
