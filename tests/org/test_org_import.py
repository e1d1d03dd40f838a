"""Import of organisation structure and staff lists: good files, and every kind of bad one."""

import io
import json
import unicodedata

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from congvu.core.errors import ValidationFailed
from congvu.core.models import AuditEvent
from congvu.org import importers
from congvu.org.models import Agency, Room, Staff, Unit

pytestmark = pytest.mark.django_db

AGENCIES_CSV = """Mã định danh,Tên,Tên viết tắt,Loại,Mã cấp trên,Hiệu lực từ,Hiệu lực đến,Miễn giới hạn
000.00.00.H98,Ủy ban nhân dân tỉnh Mẫu,UBND tỉnh,UBND tỉnh/thành phố,,,,
000.00.05.H98,Sở Y tế,SYT,"Sở, ban, ngành",000.00.00.H98,,,có
000.01.05.H98,Bệnh viện tỉnh,BV,Đơn vị trực thuộc,000.00.05.H98,01/01/2000,,không
000.00.21.H98,Ủy ban nhân dân huyện Cũ,UBND H.C,UBND cấp huyện,000.00.00.H98,1/1/1990,30/06/2025,
"""


def _import(text: str, kind: str, **kw):
    return importers.import_file(text.encode("utf-8"), filename=f"{kind}.csv", kind=kind, **kw)


def test_imports_agency_tree_with_validity_and_parents_out_of_order():
    # the child row comes before its parent: the importer resolves it
    lines = AGENCIES_CSV.splitlines()
    reordered = "\n".join([lines[0], lines[3], lines[1], lines[2], lines[4]])
    result = _import(reordered, "agencies")
    assert result.created["agencies"] == 4
    hospital = Agency.objects.get(code="000.01.05.H98")
    assert hospital.parent.code == "000.00.05.H98" and hospital.depth == 2
    assert Agency.objects.get(code="000.00.05.H98").exempt_from_onsite_limits
    district = Agency.objects.get(code="000.00.21.H98")
    assert str(district.valid_to) == "2025-06-30" and not district.is_current
    # importing the same file twice is safe
    assert _import(AGENCIES_CSV, "agencies").created["agencies"] == 0
    assert Agency.objects.count() == 4


def test_imports_units_rooms_staff_from_excel_workbook():
    _import(AGENCIES_CSV, "agencies")
    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(["Mã cơ quan", "Mã đơn vị", "Tên đơn vị", "Một cửa"])
    ws.append(["000.00.05.H98", "VP", "Văn phòng Sở", ""])
    ws.append(["000.00.05.H98", "MC", "Bộ phận Một cửa", "x"])
    ws = wb.create_sheet("Phòng")
    ws.append(["Mã cơ quan", "Mã phòng", "Tên phòng", "Tòa nhà", "Sức chứa"])
    ws.append(["000.00.05.H98", "203", "Phòng 203", "Nhà A", 2])
    ws = wb.create_sheet("Cán bộ")
    ws.append(["Mã cán bộ", "Họ và tên", "Tên đăng nhập", "Email", "Mã cơ quan", "Mã đơn vị", "Mã phòng",
               "Chức vụ", "Vai trò"])
    ws.append(["YT001", "Nguyễn Thị Hoa", "hoa.syt", "hoa@syt.vn", "000.00.05.H98", "VP", "203", "Giám đốc",
               "Lãnh đạo cơ quan"])
    ws.append(["YT002", unicodedata.normalize("NFD", "Trần Văn Đức"), "duc.syt", "", "000.00.05.H98", "MC", "",
               "Chuyên viên", "mot_cua; van_thu"])
    ws = wb.create_sheet("Ghi chú")  # unrelated sheet is ignored
    ws.append(["anything"])
    buf = io.BytesIO()
    wb.save(buf)
    result = importers.import_file(buf.getvalue(), filename="to-chuc.xlsx")
    assert result.created == {"agencies": 0, "units": 2, "rooms": 1, "staff": 2}
    duc = Staff.objects.get(employee_code="YT002")
    assert duc.user.full_name == "Trần Văn Đức"  # NFC
    assert duc.user.role_codes() == {"mot_cua", "van_thu"}
    assert Staff.objects.get(employee_code="YT001").position.is_leader
    assert Unit.objects.get(code="MC").is_one_stop_desk
    assert AuditEvent.objects.filter(action="org.staff_create").count() == 2


@pytest.mark.parametrize(("csv_text", "kind", "field"), [
    ("Mã định danh,Tên,Tên viết tắt\nabc def,Sở X,SX\n", "agencies", "code"),
    ("Mã định danh,Tên,Tên viết tắt\n000.00.01.H98,,SX\n", "agencies", "name"),
    ("Mã định danh,Tên,Tên viết tắt,Mã cấp trên\n000.00.01.H98,Sở X,SX,999.99.99.Z99\n", "agencies", "parent_code"),
    ("Mã định danh,Tên,Tên viết tắt,Hiệu lực từ\n000.00.01.H98,Sở X,SX,31/02/2020\n", "agencies", "valid_from"),
    ("Mã định danh,Tên,Tên viết tắt,Loại\n000.00.01.H98,Sở X,SX,hợp tác xã\n", "agencies", "kind"),
    ("Mã định danh,Tên,Tên viết tắt,Miễn giới hạn\n000.00.01.H98,Sở X,SX,có lẽ\n", "agencies", "exempt"),
    ("Mã cơ quan,Mã phòng,Tên phòng,Sức chứa\n000.00.00.H98,1,P1,-3\n", "rooms", "capacity"),
    ("Mã cơ quan,Mã phòng,Tên phòng,Sức chứa\n000.00.00.H98,1,P1,hai\n", "rooms", "capacity"),
    ("Mã cơ quan,Mã phòng,Tên phòng\n000.00.77.H98,1,P1\n", "rooms", "agency_code"),
    ("Mã cán bộ,Họ tên,Tên đăng nhập,Mã cơ quan,Vai trò\nX1,An,an,000.00.00.H98,phù thủy\n", "staff", "roles"),
    ("Mã cán bộ,Họ tên,Tên đăng nhập,Mã cơ quan,Email\nX1,An,an,000.00.00.H98,not-an-email\n", "staff", "email"),
    ("Mã cán bộ,Họ tên,Tên đăng nhập,Mã cơ quan,Mã đơn vị\nX1,An,an,000.00.00.H98,KHONGCO\n", "staff", "unit_code"),
])
def test_row_errors_are_reported_and_nothing_is_imported(csv_text, kind, field):
    _import(AGENCIES_CSV, "agencies")
    before = (Agency.objects.count(), Room.objects.count(), Staff.objects.count())
    good_row = {
        "agencies": "000.00.09.H98,Sở Tốt,ST\n",
        "rooms": "000.00.00.H98,OK,Phòng tốt,2\n",
        "staff": "OK1,Người Tốt,nguoitot,000.00.00.H98,\n",
    }[kind]
    header, bad = csv_text.split("\n", 1)
    with pytest.raises(importers.ImportFailed) as err:
        _import(f"{header}\n{good_row if header.count(',') == good_row.count(',') else ''}{bad}", kind)
    errors = err.value.details["errors"]
    assert any(e["field"] == field for e in errors), errors
    assert all(e["row"] >= 2 for e in errors)
    assert (Agency.objects.count(), Room.objects.count(), Staff.objects.count()) == before


def test_duplicate_rows_within_one_file_are_reported():
    text = "Mã định danh,Tên,Tên viết tắt\n000.00.01.H97,Sở A,SA\n000.00.01.H97,Sở B,SB\n"
    with pytest.raises(importers.ImportFailed) as err:
        _import(text, "agencies")
    assert err.value.details["errors"][0]["row"] == 3
    assert Agency.objects.count() == 0


@pytest.mark.parametrize("data", [
    b"", b"   \n", b"\x00\x01\x02\x03binary" * 10, b"PK\x03\x04not really a zip",
    b"\xd0\xcf\x11\xe0legacy xls", b"just one line without any known header\nvalue\n",
])
def test_unreadable_files_give_a_clear_error(data):
    with pytest.raises(ValidationFailed) as err:
        importers.import_file(data, filename="x.csv", kind="agencies")
    assert str(err.value)
    assert Agency.objects.count() == 0


def test_huge_file_is_refused():
    with pytest.raises(ValidationFailed, match="20 MB"):
        importers.import_file(b"a,b\n" * (6 * 1024 * 1024), filename="x.csv", kind="agencies")


def test_legacy_encoded_csv_is_repaired():
    legacy = "Mã định danh,Tên,Tên viết tắt\n000.00.03.H98,Së Néi vô,SNV\n".encode("cp1252", errors="replace")
    # the header is plain enough after folding; the TCVN3 name comes back as Unicode
    legacy = "Ma dinh danh,Ten,Ten viet tat\n000.00.03.H98,Së Néi vô tØnh Gia Lai,SNV\n".encode("cp1252")
    importers.import_file(legacy, filename="x.csv", kind="agencies")
    assert Agency.objects.get(code="000.00.03.H98").name == "Sở Nội vụ tỉnh Gia Lai"


def test_semicolon_csv_and_english_headers():
    text = "code;name;short_name\n000.00.04.H98;Sở Tư pháp;STP\n"
    assert _import(text, "agencies").created["agencies"] == 1


def test_csv_needs_a_kind():
    with pytest.raises(ValidationFailed, match="loại dữ liệu"):
        importers.import_file(AGENCIES_CSV.encode(), filename="x.csv")


def test_cli_import_and_list(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCIES_CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("org", "import", str(path), "--kind", "agencies", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"]["agencies"] == 4
    out = io.StringIO()
    call_command("org", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    district = next(r for r in rows if r["code"] == "000.00.21.H98")
    assert district == {"code": "000.00.21.H98", "short_name": "UBND H.C", "name": "Ủy ban nhân dân huyện Cũ",
                        "kind": "ubnd_huyen", "parent": "000.00.00.H98", "valid_from": "1990-01-01",
                        "valid_to": "2025-06-30", "exempt_from_onsite_limits": False}
    out = io.StringIO()
    call_command("org", "list", "--json", "--on", "2026-01-01", stdout=out)
    assert "000.00.21.H98" not in out.getvalue()


def test_cli_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("org", "import", str(tmp_path / "missing.csv"), "--kind", "agencies")
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã định danh,Tên,Tên viết tắt\nsai mã,Sở,S\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("org", "import", str(bad), "--kind", "agencies", stderr=err)
    assert "dòng 2" in err.getvalue()
    with pytest.raises(CommandError, match="bad --on"):
        call_command("org", "list", "--on", "32/13/2020")
