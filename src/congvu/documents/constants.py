"""Decree 30/2020 vocabularies: document types and their abbreviations, marks, signing authority.

Pure Python.  Codes are stable identifiers stored in the database; names are Vietnamese.
"""

from __future__ import annotations

# (code, name, abbreviation — "" for Công văn and Thư công, which have none)
DOC_TYPES: list[tuple[str, str, str]] = [
    ("nghi_quyet", "Nghị quyết", "NQ"),
    ("quyet_dinh", "Quyết định", "QĐ"),
    ("chi_thi", "Chỉ thị", "CT"),
    ("quy_che", "Quy chế", "QC"),
    ("quy_dinh", "Quy định", "QyĐ"),
    ("thong_cao", "Thông cáo", "TC"),
    ("thong_bao", "Thông báo", "TB"),
    ("huong_dan", "Hướng dẫn", "HD"),
    ("chuong_trinh", "Chương trình", "CTr"),
    ("ke_hoach", "Kế hoạch", "KH"),
    ("phuong_an", "Phương án", "PA"),
    ("de_an", "Đề án", "ĐA"),
    ("du_an", "Dự án", "DA"),
    ("bao_cao", "Báo cáo", "BC"),
    ("bien_ban", "Biên bản", "BB"),
    ("to_trinh", "Tờ trình", "TTr"),
    ("hop_dong", "Hợp đồng", "HĐ"),
    ("cong_van", "Công văn", ""),
    ("cong_dien", "Công điện", "CĐ"),
    ("ban_ghi_nho", "Bản ghi nhớ", "BGN"),
    ("ban_thoa_thuan", "Bản thỏa thuận", "BTT"),
    ("giay_uy_quyen", "Giấy ủy quyền", "GUQ"),
    ("giay_moi", "Giấy mời", "GM"),
    ("giay_gioi_thieu", "Giấy giới thiệu", "GGT"),
    ("giay_nghi_phep", "Giấy nghỉ phép", "GNP"),
    ("phieu_gui", "Phiếu gửi", "PG"),
    ("phieu_chuyen", "Phiếu chuyển", "PC"),
    ("phieu_bao", "Phiếu báo", "PB"),
    ("thu_cong", "Thư công", ""),
]
TYPE_NAME = {code: name for code, name, _ in DOC_TYPES}
TYPE_ABBR = {code: abbr for code, _, abbr in DOC_TYPES}
ABBR_TYPE = {abbr.upper(): code for code, _, abbr in DOC_TYPES if abbr}
# Names (folded) → code, to recognise the type in a document's text.
TYPE_CHOICES = [(code, name) for code, name, _ in DOC_TYPES]

URGENCY = {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc"}
CONFIDENTIALITY = {0: "Thường", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}
AUTHORITY = ["", "TM.", "KT.", "TL.", "TUQ.", "Q."]
AUTHORITY_CHOICES = [("", "(ký trực tiếp)"), ("TM.", "TM. — thay mặt"), ("KT.", "KT. — ký thay"),
                     ("TL.", "TL. — thừa lệnh"), ("TUQ.", "TUQ. — thừa ủy quyền"), ("Q.", "Q. — quyền")]


def symbol_for(type_code: str, issuer_abbr: str, unit_abbr: str = "") -> str:
    """The symbol (ký hiệu) after the number: ``QĐ-UBND``; Công văn: ``UBND-VX`` (Decree 30 App. I II.3)."""
    issuer = (issuer_abbr or "").strip().upper().replace(" ", "")
    abbr = TYPE_ABBR.get(type_code, "")
    if abbr:
        return f"{abbr}-{issuer}" if issuer else abbr
    unit = (unit_abbr or "").strip().upper().replace(" ", "")
    return f"{issuer}-{unit}" if unit else issuer


def number_text(number: int | None) -> str:
    """Numbers below 10 are written with a leading zero (01..09)."""
    if number is None:
        return ""
    return f"{number:02d}"
