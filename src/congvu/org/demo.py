"""The demo city: Hải Phòng's People's Committee, its office, departments, wards and staff.

Identifier codes, rooms and people are illustrative (not the real ones).  The four
districts named in the 2020 documents are kept as agencies that ended on 30 June 2025,
when the district tier was abolished; the wards that succeeded them start on 1 July 2025.
Loading is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from congvu.core import audit

from . import services
from .models import Agency, Position, Role, Room, Staff, Unit

DEMO_PASSWORD = "congvu-demo"  # noqa: S105 - documented demo credential, never used in production
ROOT_CODE = "000.00.00.H31"
DISTRICTS_END = dt.date(2025, 6, 30)
TWO_TIER_START = dt.date(2025, 7, 1)

# (code suffix, name, short name, kind, exempt from on-site limits, units)
DEPARTMENTS = [
    ("01", "Văn phòng Ủy ban nhân dân thành phố", "VP UBND", Agency.Kind.VAN_PHONG, False,
     [("VT", "Phòng Hành chính - Tổ chức (Văn thư)"), ("KSTTHC", "Phòng Kiểm soát thủ tục hành chính"),
      ("VX", "Phòng Văn xã"), ("NC", "Phòng Nội chính"), ("TTTH", "Trung tâm Thông tin - Tin học")]),
    ("02", "Sở Nội vụ", "SNV", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("TCBM", "Phòng Tổ chức bộ máy"), ("CCHC", "Phòng Cải cách hành chính"),
      ("TG", "Ban Tôn giáo")]),
    ("03", "Sở Thông tin và Truyền thông", "STTTT", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("CNTT", "Phòng Công nghệ thông tin"), ("BCVT", "Phòng Bưu chính, Viễn thông")]),
    ("04", "Sở Tư pháp", "STP", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("HCTP", "Phòng Hành chính tư pháp"), ("VBPQ", "Phòng Xây dựng và kiểm tra văn bản")]),
    ("05", "Sở Khoa học và Công nghệ", "SKHCN", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("QLKH", "Phòng Quản lý khoa học")]),
    ("06", "Sở Tài chính", "STC", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("NS", "Phòng Quản lý ngân sách"), ("GCS", "Phòng Giá - Công sản")]),
    ("07", "Sở Kế hoạch và Đầu tư", "SKHĐT", Agency.Kind.SO, False,
     [("VP", "Văn phòng Sở"), ("ĐKKD", "Phòng Đăng ký kinh doanh"), ("TH", "Phòng Tổng hợp")]),
    ("08", "Sở Y tế", "SYT", Agency.Kind.SO, True,
     [("VP", "Văn phòng Sở"), ("NVY", "Phòng Nghiệp vụ Y"), ("KHTC", "Phòng Kế hoạch - Tài chính")]),
    ("09", "Thanh tra thành phố", "TTTP", Agency.Kind.SO, False,
     [("VP", "Văn phòng"), ("TT1", "Phòng Thanh tra 1"), ("TCD", "Phòng Tiếp công dân")]),
    ("10", "Trung tâm Phục vụ hành chính công thành phố", "TTPVHCC", Agency.Kind.DON_VI, False,
     [("MC", "Bộ phận Một cửa"), ("HC", "Phòng Hành chính")]),
]
DISTRICTS = [
    ("21", "Ủy ban nhân dân quận Hồng Bàng", "UBND Q.HB", dt.date(1961, 1, 1)),
    ("22", "Ủy ban nhân dân quận Dương Kinh", "UBND Q.DK", dt.date(2007, 12, 25)),
    ("23", "Ủy ban nhân dân huyện Thủy Nguyên", "UBND H.TN", dt.date(1961, 1, 1)),
    ("24", "Ủy ban nhân dân huyện Cát Hải", "UBND H.CH", dt.date(1977, 1, 1)),
]
# New wards/communes (two-tier local government) and the district each succeeds.
WARDS = [
    ("31", "Ủy ban nhân dân phường Hồng Bàng", "UBND P.HB", "21"),
    ("32", "Ủy ban nhân dân phường Hồng An", "UBND P.HA", "21"),
    ("33", "Ủy ban nhân dân phường Dương Kinh", "UBND P.DK", "22"),
    ("34", "Ủy ban nhân dân phường Thủy Nguyên", "UBND P.TN", "23"),
    ("35", "Ủy ban nhân dân xã Việt Khê", "UBND X.VK", "23"),
    ("36", "Ủy ban nhân dân đặc khu Cát Hải", "UBND ĐK.CH", "24"),
]
POSITIONS = [
    ("chu_tich", "Chủ tịch", True, 1), ("pho_chu_tich", "Phó Chủ tịch", True, 2),
    ("chanh_van_phong", "Chánh Văn phòng", True, 3), ("pho_chanh_van_phong", "Phó Chánh Văn phòng", True, 4),
    ("giam_doc", "Giám đốc", True, 3), ("pho_giam_doc", "Phó Giám đốc", True, 4),
    ("chanh_thanh_tra", "Chánh Thanh tra", True, 3), ("truong_phong", "Trưởng phòng", True, 10),
    ("pho_truong_phong", "Phó Trưởng phòng", True, 11), ("chuyen_vien", "Chuyên viên", False, 50),
    ("van_thu", "Văn thư", False, 60),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Mạnh", "Tiến"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Phương", "Hồng", "Thùy", "Bích"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân",
           "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Kiên"]
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
           "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến"]

# Logins printed by `congvu demo` (username, what they are).
DEMO_LOGINS = [
    ("admin", "Quản trị hệ thống (siêu người dùng)"),
    ("vanthu.vp", "Văn thư Văn phòng UBND thành phố"),
    ("lanhdao.vp", "Chánh Văn phòng UBND thành phố"),
    ("vanthu.snv", "Văn thư Sở Nội vụ"),
    ("lanhdao.snv", "Giám đốc Sở Nội vụ"),
    ("truongphong.snv", "Trưởng phòng Cải cách hành chính, Sở Nội vụ"),
    ("chuyenvien.snv", "Chuyên viên Sở Nội vụ"),
    ("vanthu.stttt", "Văn thư Sở Thông tin và Truyền thông"),
    ("lanhdao.stttt", "Giám đốc Sở Thông tin và Truyền thông"),
    ("chuyenvien.stttt", "Chuyên viên Sở Thông tin và Truyền thông"),
    ("motcua.hcc", "Cán bộ một cửa, Trung tâm Phục vụ hành chính công"),
]


def is_loaded() -> bool:
    return Agency.objects.filter(code=ROOT_CODE).exists()


def _code(level2: str, level3: str = "00") -> str:
    return f"000.{level3}.{level2}.H31"


@transaction.atomic
def load(*, password: str = DEMO_PASSWORD, seed: int = 2020) -> dict[str, int]:
    """Create the demo city (no-op when already present).  Returns counts."""
    services.roles_ensure_builtin()
    if is_loaded():
        return {"agencies": 0, "staff": 0}
    rng = random.Random(seed)
    User = get_user_model()
    hashed = make_password(password)
    positions = {code: Position.objects.get_or_create(code=code, defaults={"name": name, "is_leader": lead,
                                                                          "rank": rank})[0]
                 for code, name, lead, rank in POSITIONS}
    roles = {r.code: r for r in Role.objects.all()}

    root = services.agency_create(actor=None, code=ROOT_CODE, name="Ủy ban nhân dân thành phố Hải Phòng",
                                  short_name="UBND TP", kind=Agency.Kind.UBND_TINH, place_name="Hải Phòng",
                                  email="ubnd@haiphong.demo.congvu.vn")
    agencies: dict[str, Agency] = {}
    for suffix, name, short, kind, exempt, _units in DEPARTMENTS:
        agencies[suffix] = services.agency_create(
            actor=None, code=_code(suffix), name=name, short_name=short, kind=kind, parent=root,
            place_name="Hải Phòng", exempt_from_onsite_limits=exempt,
            email=f"{short.lower().replace(' ', '')}@haiphong.demo.congvu.vn".replace("đ", "d"))
    districts = {}
    for suffix, name, short, start in DISTRICTS:
        districts[suffix] = services.agency_create(
            actor=None, code=_code(suffix), name=name, short_name=short, kind=Agency.Kind.UBND_HUYEN, parent=root,
            place_name="Hải Phòng", valid_from=start, valid_to=DISTRICTS_END,
            legal_basis="Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính năm 2025")
    for suffix, name, short, district in WARDS:
        ward = services.agency_create(actor=None, code=_code(suffix), name=name, short_name=short,
                                      kind=Agency.Kind.UBND_XA, parent=root, place_name="Hải Phòng",
                                      valid_from=TWO_TIER_START)
        districts[district].successors.add(ward)
        agencies[suffix] = ward

    used_names: set[str] = set()
    staff_count = 0

    def person(female: bool) -> str:
        for _ in range(1000):
            name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                             rng.choice(GIVEN_F if female else GIVEN_M)])
            if name not in used_names:
                used_names.add(name)
                return name
        raise RuntimeError("ran out of demo names")

    def add(agency, *, username, unit, room, position, role_codes, female=None):
        nonlocal staff_count
        staff_count += 1
        female = rng.random() < 0.5 if female is None else female
        user = User.objects.create(username=username, full_name=person(female), password=hashed,
                                   email=f"{username}@demo.congvu.vn")
        staff = Staff.objects.create(user=user, employee_code=f"CB{staff_count:05d}", agency=agency, unit=unit,
                                     room=room, position=positions[position])
        staff.roles.set([roles[c] for c in role_codes])
        return staff

    for suffix, _name, short, _kind, _exempt, unit_rows in DEPARTMENTS:
        agency = agencies[suffix]
        slug = {"01": "vp", "02": "snv", "03": "stttt", "10": "hcc"}.get(suffix, short.lower().replace("đ", "d"))
        units = [Unit.objects.create(agency=agency, code=code, name=name, short_name=code,
                                     is_one_stop_desk=(code == "MC")) for code, name in unit_rows]
        rooms = [Room.objects.create(agency=agency, code=f"{101 + i}", name=f"Phòng {101 + i}",
                                     building="Trụ sở liên cơ quan số 2" if suffix != "01" else "Trụ sở UBND",
                                     floor=str(1 + i // 4), capacity=rng.choice([2, 3, 4, 4, 6]))
                 for i in range(max(4, len(units) + 2))]
        head_pos = {"01": "chanh_van_phong", "09": "chanh_thanh_tra"}.get(suffix, "giam_doc")
        deputy_pos = {"01": "pho_chanh_van_phong"}.get(suffix, "pho_giam_doc")
        add(agency, username=f"lanhdao.{slug}", unit=units[0], room=rooms[0], position=head_pos,
            role_codes=[Role.LANH_DAO])
        add(agency, username=f"pholanhdao.{slug}", unit=units[0], room=rooms[0], position=deputy_pos,
            role_codes=[Role.LANH_DAO])
        add(agency, username=f"vanthu.{slug}", unit=units[0], room=rooms[1], position="van_thu",
            role_codes=[Role.VAN_THU])
        for i, unit in enumerate(units):
            room = rooms[(i + 1) % len(rooms)]
            head_username = f"truongphong.{slug}" if unit.code in ("CCHC", "CNTT", "MC", "KSTTHC") else \
                f"tp{i + 1}.{slug}"
            add(agency, username=head_username, unit=unit, room=room, position="truong_phong",
                role_codes=[Role.LANH_DAO_DON_VI, Role.CHUYEN_VIEN])
            for j in range(2 if suffix not in ("01", "02", "03") else 3):
                codes = [Role.MOT_CUA] if unit.is_one_stop_desk else [Role.CHUYEN_VIEN]
                username = f"chuyenvien.{slug}" if (i, j) == (len(units) - 1, 0) and suffix in ("02", "03") \
                    else (f"motcua.{slug}" if unit.is_one_stop_desk and j == 0 else f"cv{i + 1}{j + 1}.{slug}")
                add(agency, username=username, unit=unit, room=rooms[(i + j + 2) % len(rooms)],
                    position="chuyen_vien", role_codes=codes)
        if suffix == "02":  # the Home Affairs department administers the organisation
            add(agency, username="quantri.snv", unit=units[0], room=rooms[1], position="chuyen_vien",
                role_codes=[Role.QUAN_TRI, Role.CHUYEN_VIEN])
    for suffix, _name, short, _district in WARDS:
        agency = agencies[suffix]
        slug = short.split()[-1].lower().replace(".", "").replace("đ", "d")
        units = [Unit.objects.create(agency=agency, code="VP", name="Văn phòng HĐND và UBND", short_name="VP"),
                 Unit.objects.create(agency=agency, code="MC", name="Bộ phận Một cửa", short_name="MC",
                                     is_one_stop_desk=True)]
        rooms = [Room.objects.create(agency=agency, code=str(101 + i), name=f"Phòng {101 + i}",
                                     building="Trụ sở UBND", capacity=rng.choice([2, 3, 4])) for i in range(3)]
        add(agency, username=f"chutich.{slug}", unit=units[0], room=rooms[0], position="chu_tich",
            role_codes=[Role.LANH_DAO])
        add(agency, username=f"vanthu.{slug}", unit=units[0], room=rooms[1], position="van_thu",
            role_codes=[Role.VAN_THU])
        for j in range(3):
            add(agency, username=f"motcua{j + 1}.{slug}", unit=units[1], room=rooms[2], position="chuyen_vien",
                role_codes=[Role.MOT_CUA])
        for j in range(4):
            add(agency, username=f"cv{j + 1}.{slug}", unit=units[0], room=rooms[(j % 2) + 1],
                position="chuyen_vien", role_codes=[Role.CHUYEN_VIEN])
    # The People's Committee's own leaders sit at the Office.
    office = agencies["01"]
    for username, position in (("chutich.tp", "chu_tich"), ("phochutich.tp", "pho_chu_tich")):
        add(office, username=username, unit=office.units.first(), room=office.rooms.first(), position=position,
            role_codes=[Role.LANH_DAO])
    admin = User.objects.create(username="admin", full_name="Quản trị Công Vụ", password=hashed, is_staff=True,
                                is_superuser=True, email="admin@demo.congvu.vn")
    audit.record(action="demo.load", actor=admin, note=f"{Agency.objects.count()} agencies, {staff_count} staff")
    return {"agencies": Agency.objects.count(), "staff": staff_count}
