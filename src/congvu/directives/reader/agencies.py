"""Agency names: the shapes of Vietnamese agency names, common abbreviations, known names.

Three sources, in this order:

1. *known names* passed by the caller (the organisation's agencies from the database, names and
   short names) and a built-in list of the usual provincial departments and ministries — matched
   whole, so the words inside a name ("Sở Kế hoạch và Đầu tư", "Trung tâm Phục vụ hành chính
   công") are never read as a verb;
2. built-in abbreviations (UBND, HĐND, VP UBND, Sở TT&TT, TP, …) — see :data:`ABBREVIATIONS`;
3. the *shape* of an agency phrase: a head noun (Sở, Ban, Ủy ban nhân dân, Công an, Bộ, Văn
   phòng, Trung tâm, …), a position (Giám đốc, Thủ trưởng, Chủ tịch, …) or a collective ("các sở,
   ban, ngành", "cơ quan, đơn vị liên quan") followed by its name, up to the first predicate word.

The functions here find where an agency phrase *starts* (a head) and where it *ends*.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

# Abbreviation → expansion (for recognising short forms; expansions are informative only).
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "VP UBND": "Văn phòng Ủy ban nhân dân",
    "VPUBND": "Văn phòng Ủy ban nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQ": "Mặt trận Tổ quốc",
    "TP": "thành phố",
    "TP.": "thành phố",
    "Sở TT&TT": "Sở Thông tin và Truyền thông",
    "Sở TTTT": "Sở Thông tin và Truyền thông",
    "Sở KH&ĐT": "Sở Kế hoạch và Đầu tư",
    "Sở KHĐT": "Sở Kế hoạch và Đầu tư",
    "Sở GD&ĐT": "Sở Giáo dục và Đào tạo",
    "Sở GDĐT": "Sở Giáo dục và Đào tạo",
    "Sở LĐ-TB&XH": "Sở Lao động - Thương binh và Xã hội",
    "Sở LĐTBXH": "Sở Lao động - Thương binh và Xã hội",
    "Sở NN&PTNT": "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở NNPTNT": "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở NN&MT": "Sở Nông nghiệp và Môi trường",
    "Sở TN&MT": "Sở Tài nguyên và Môi trường",
    "Sở TNMT": "Sở Tài nguyên và Môi trường",
    "Sở VH-TT&DL": "Sở Văn hóa, Thể thao và Du lịch",
    "Sở VHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
    "Sở VH&TT": "Sở Văn hóa và Thể thao",
    "Sở KH&CN": "Sở Khoa học và Công nghệ",
    "Sở KHCN": "Sở Khoa học và Công nghệ",
    "Sở GTVT": "Sở Giao thông vận tải",
    "Sở XD": "Sở Xây dựng",
    "Sở TC": "Sở Tài chính",
    "Sở TP": "Sở Tư pháp",
    "Sở NV": "Sở Nội vụ",
    "Sở YT": "Sở Y tế",
    "Sở CT": "Sở Công Thương",
    "BCH Quân sự": "Bộ Chỉ huy Quân sự",
    "BCHQS": "Bộ Chỉ huy Quân sự",
    "BĐBP": "Bộ đội Biên phòng",
    "BHXH": "Bảo hiểm xã hội",
    "KBNN": "Kho bạc Nhà nước",
    "CA": "Công an",
    "Đài PT-TH": "Đài Phát thanh và Truyền hình",
    "Đài PTTH": "Đài Phát thanh và Truyền hình",
    "Đài PT&TH": "Đài Phát thanh và Truyền hình",
    "BQL": "Ban Quản lý",
    "BCĐ": "Ban Chỉ đạo",
    "TTHCC": "Trung tâm Phục vụ hành chính công",
}

# Usual names of provincial departments, ministries and central bodies (matched whole).
BUILTIN_NAMES: tuple[str, ...] = (
    "Sở Nội vụ", "Sở Ngoại vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Y tế", "Sở Xây dựng", "Sở Công Thương",
    "Sở Kế hoạch và Đầu tư", "Sở Thông tin và Truyền thông", "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ", "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Sở Giao thông Vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường", "Sở Lao động - Thương binh và Xã hội",
    "Sở Lao động, Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao",
    "Sở Văn hóa - Thể thao", "Sở Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Quy hoạch - Kiến trúc",
    "Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hoá và Thể thao",
    "Ban Dân tộc", "Ban Tôn giáo", "Ban Thi đua - Khen thưởng", "Thanh tra tỉnh", "Thanh tra thành phố",
    "Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng Ủy ban nhân dân thành phố", "Văn phòng UBND tỉnh",
    "Văn phòng UBND thành phố", "Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
    "Công an tỉnh", "Công an thành phố", "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Quân sự thành phố",
    "Bộ Tư lệnh Thành phố", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng thành phố",
    "Kho bạc Nhà nước tỉnh", "Cục Thuế tỉnh", "Cục Thuế thành phố", "Cục Hải quan", "Bảo hiểm xã hội tỉnh",
    "Bảo hiểm xã hội thành phố", "Đài Phát thanh và Truyền hình", "Đài Phát thanh - Truyền hình",
    "Trung tâm Phục vụ hành chính công", "Trung tâm phục vụ Hành chính công", "Trung tâm Hành chính công",
    "Trung tâm Kiểm soát bệnh tật", "Ban Quản lý các khu công nghiệp", "Ban Quản lý Khu kinh tế",
    "Liên đoàn Lao động tỉnh", "Liên đoàn Lao động thành phố", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh",
    "Tỉnh đoàn", "Thành đoàn", "Bưu điện tỉnh", "Bưu điện thành phố", "Viễn thông", "Điện lực",
    "Bộ Nội vụ", "Bộ Y tế", "Bộ Công an", "Bộ Quốc phòng", "Bộ Tài chính", "Bộ Kế hoạch và Đầu tư",
    "Bộ Thông tin và Truyền thông", "Bộ Giáo dục và Đào tạo", "Bộ Lao động - Thương binh và Xã hội", "Bộ Tư pháp",
    "Bộ Ngoại giao", "Bộ Công Thương", "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Nông nghiệp và Môi trường",
    "Bộ Giao thông vận tải", "Bộ Xây dựng", "Bộ Tài nguyên và Môi trường", "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Khoa học và Công nghệ", "Bộ Dân tộc và Tôn giáo", "Văn phòng Chính phủ", "Thanh tra Chính phủ",
    "Ngân hàng Nhà nước Việt Nam", "Ủy ban Dân tộc", "Đài Truyền hình Việt Nam", "Đài Tiếng nói Việt Nam",
    "Thông tấn xã Việt Nam", "Bảo hiểm xã hội Việt Nam", "Kiểm toán Nhà nước", "Thủ tướng Chính phủ",
    "Cổng Thông tin điện tử", "Cổng thông tin điện tử",
)

# Character classes (for use inside [...]): Vietnamese capitals and small letters.
_UP = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_LOW = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
UPPER_START = re.compile(f"[{_UP}]")

# Heads of agency names.  Capitalised heads must be followed by a name (capital word, locality...).
_AGENCY_HEADS = (
    "Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND", "Ủy ban Mặt trận", "Ủy ban",
    "Uỷ ban", "Văn phòng", "VP", "Trung tâm", "Công an", "Thanh tra", "Chi cục", "Tổng cục", "Cục", "Sở", "Ban",
    "Bộ Chỉ huy", "Bộ Tư lệnh", "Bộ", "Vụ", "Phòng", "Đài", "Báo", "Kho bạc", "Ngân hàng", "Bưu điện",
    "Bảo hiểm xã hội", "BHXH", "Viện kiểm sát", "Viện", "Trường", "Bệnh viện", "Học viện", "Đại học",
    "Liên đoàn", "Liên minh", "Hội đồng", "Hội", "Mặt trận", "Tòa án", "Toà án", "Cảng vụ", "Tổng công ty",
    "Công ty", "Tập đoàn", "Quỹ", "Tổ công tác", "Đoàn kiểm tra", "Đoàn công tác", "Đoàn", "Tỉnh ủy", "Thành ủy",
    "Huyện ủy", "Quận ủy", "Thị ủy", "Tỉnh uỷ", "Thành uỷ", "Đảng ủy", "Đảng uỷ", "Chính phủ", "Chi nhánh",
    "Cổng", "Viễn thông", "Điện lực", "Lực lượng", "Cơ quan", "Tỉnh đoàn", "Thành đoàn", "Thường trực",
    "Thường vụ", "MTTQ", "UBMTTQ", "KBNN", "BCHQS", "BQL", "BCĐ", "Hạt", "Trạm", "Đội", "Kiểm toán",
    "Viettel", "VNPT", "MobiFone", "Mobifone", "EVN", "FPT", "Tổng đài", "Bộ phận", "Đảng đoàn", "Ban cán sự đảng",
    "Ban Cán sự đảng", "Báo và Phát thanh, Truyền hình", "Báo và Phát thanh - Truyền hình",
)
_POSITION_HEADS = (
    "Giám đốc", "Phó Giám đốc", "Tổng Giám đốc", "Thủ trưởng", "Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng",
    "Chánh văn phòng", "Phó Chánh Văn phòng", "Chánh Thanh tra", "Trưởng ban", "Trưởng Ban", "Phó Trưởng ban",
    "Trưởng phòng", "Trưởng Phòng", "Bí thư", "Phó Bí thư", "Người đứng đầu", "Lãnh đạo", "Cục trưởng",
    "Chi cục trưởng", "Bộ trưởng", "Thứ trưởng", "Viện trưởng", "Hiệu trưởng", "Chỉ huy trưởng", "Tư lệnh",
    "Chánh án", "Chủ nhiệm", "Tổng cục trưởng", "Vụ trưởng", "Trưởng đoàn", "Tổ trưởng", "Thủ tướng",
    "Phó Thủ tướng", "Trưởng Công an", "Trưởng Ban Chỉ đạo", "Kế toán trưởng", "Các đồng chí", "Đồng chí",
    "Quý cơ quan", "Quý đơn vị", "Quý Sở", "Quý Ủy ban",
)
# Collectives: "các sở, ban, ngành", "cơ quan, đơn vị liên quan", "UBND các huyện" ...
_COLLECTIVES = (
    "sở, ban, ngành", "sở, ngành", "Sở, ban, ngành", "Sở, ngành", "sở", "Sở", "ban", "ngành", "bộ, ngành", "bộ",
    "Bộ", "cơ quan", "Cơ quan", "đơn vị", "Đơn vị", "địa phương", "Địa phương", "huyện", "quận", "thị xã",
    "thành phố", "xã", "phường", "thị trấn", "doanh nghiệp", "tổ chức", "cơ quan báo chí", "trường", "bệnh viện",
    "lực lượng", "hội", "đoàn thể", "chủ đầu tư", "nhà mạng", "cơ sở", "ban quản lý", "Ban Quản lý", "ủy ban",
    "Ủy ban", "UBND", "Ủy ban nhân dân", "chi cục", "trung tâm", "Trung tâm", "phòng", "Phòng", "thành viên",
    "tổ", "đoàn", "Văn phòng", "văn phòng", "cấp ủy", "ngân hàng", "tổ chức tín dụng", "cơ sở giáo dục",
    "đơn vị sự nghiệp", "đơn vị, địa phương", "cơ quan, đơn vị", "ban, ngành", "cơ quan, tổ chức",
    "huyện ủy", "thị ủy", "thành ủy", "quận ủy", "đảng ủy", "cấp ủy", "chi bộ", "Bộ trưởng", "tổ chức chính trị",
    "chủ đầu tư", "nhà trường", "cơ sở y tế", "cơ sở giáo dục", "hợp tác xã", "tổ chức đoàn thể", "hội, đoàn thể",
    "tỉnh ủy", "tỉnh uỷ", "đại học", "học viện", "trường đại học", "trường cao đẳng",
)
_LOCALITY = r"(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|cấp tỉnh|cấp huyện|cấp xã|TP\.?|Tp\.?)"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_NAME_FOLLOW = rf"(?=\s+(?:[{_UP}0-9]|{_LOCALITY}\b|các\b|nhân dân\b|cấp\b|&)|&)"
_HEAD_SRC = (
    rf"(?:(?:[Cc]ác|[Mm]ọi|[Tt]oàn thể)\s+(?:{_alt(_COLLECTIVES)})(?![{_LOW}])"
    rf"|(?:{_alt(_POSITION_HEADS)})(?![{_LOW}])"
    r"|(?:người đứng đầu|thủ trưởng|lãnh đạo|giám đốc|chủ tịch|đồng chí)(?=\s+(?:các|cơ quan|đơn vị|[A-ZĐ]))"
    rf"|(?:{_alt(_AGENCY_HEADS)})(?![{_LOW}]){_NAME_FOLLOW}"
    rf"|(?:UBND|HĐND|Sở TT&TT|VP UBND|Tổ công tác|Ban Chỉ đạo|Hội đồng|Ban Tổ chức)(?![{_LOW}])"
    rf"|(?:{_alt(ABBREVIATIONS)})(?![{_LOW}\w])"
    rf"|(?:{_alt(BUILTIN_NAMES)})(?![{_LOW}])"
    r")"
)
# A collective written without "các" is accepted only at the start of a phrase (``lowercase_ok``).
_BARE_COLLECTIVE = (
    rf"(?:{_alt(c for c in _COLLECTIVES if c[0].islower())})(?![{_LOW}])"
    r"(?=\s*,|\s+(?:liên quan|có liên quan|khác|trực thuộc|thuộc|trên|các)\b)"
)

HEAD = re.compile(_HEAD_SRC)
HEAD_LOOSE = re.compile(rf"(?:{_HEAD_SRC}|{_BARE_COLLECTIVE})")

# Words that end an agency phrase used as the subject (lead) of a task.  The word that ends the
# phrase tells whether the sentence assigns work (DIRECTIVE) or only narrates (NARRATIVE).
DIRECTIVE_WORDS = (
    "thực hiện", "chủ trì", "phối hợp", "phối với", "có trách nhiệm", "chịu trách nhiệm", "khẩn trương", "chủ động",
    "tiếp tục", "tăng cường", "căn cứ", "xử lý", "chưa", "cần", "phải", "nghiêm túc", "nghiêm", "tập trung",
    "tổ chức", "triển khai", "rà soát", "nghiên cứu", "tham mưu", "hướng dẫn", "theo dõi", "đôn đốc", "kiểm tra",
    "quán triệt", "chỉ đạo", "xây dựng", "báo cáo", "đề xuất", "khắc phục", "bảo đảm", "đảm bảo", "giảm",
    "lựa chọn", "sắp xếp", "bố trí", "cập nhật", "tổng hợp", "phổ biến", "tuyên truyền", "ban hành", "hoàn thành",
    "hoàn thiện", "thẩm định", "trình", "ưu tiên", "đẩy mạnh", "duy trì", "giám sát", "thường xuyên", "kịp thời",
    "quyết liệt", "phân công", "chấn chỉnh", "thống kê", "lập", "phê duyệt", "chuẩn bị", "kiện toàn", "tạm dừng",
    "dừng", "nâng cao", "hỗ trợ", "giải quyết", "tiếp nhận", "vận động", "cử", "tiến hành", "áp dụng", "công khai",
    "gửi", "tham gia", "nắm", "nắm chắc", "sẵn sàng", "đánh giá", "tổng kết", "sơ kết", "xem xét", "xác định",
    "góp ý", "soạn thảo", "biên soạn", "định hướng", "huy động", "tuân thủ", "chấp hành", "thanh tra", "kiểm soát",
    "cài đặt", "vận hành",
    "sửa đổi", "bổ sung", "điều chỉnh", "sớm", "nhanh chóng", "tích cực", "trực tiếp", "phân bổ", "ứng phó",
    "di dời", "sơ tán", "cấm", "không được", "không để", "yêu cầu", "đề nghị", "giao", "tuyệt đối",
    "có kế hoạch", "có biện pháp", "có phương án", "quan tâm", "bám sát", "lồng ghép", "phát huy", "rà", "kiểm điểm",
    "tự", "tiếp thu", "hoàn tất", "thành lập", "mở", "thu hồi", "bàn giao", "cung cấp", "quản lý",
    "đề ra", "tạo điều kiện", "lấy ý kiến", "làm rõ", "gương mẫu", "siết chặt",
    "hằng tháng", "hàng tháng", "định kỳ", "liên hệ", "làm việc", "chuyển", "phân loại", "thu thập",
    "số hóa", "rút kinh nghiệm", "khuyến khích", "nhắc nhở", "chỉ định", "thẩm tra", "tăng", "khảo sát",
    "tổng kiểm tra", "lãnh đạo", "cùng", "cùng với", "có ý kiến", "điều tra", "truy vết", "hướng dẫn", "đưa tin",
    "theo chức năng", "phân tích", "bảo vệ", "xác minh", "giám định", "điều phối", "chủ động phối hợp",
)
# Matched so that a shorter stop word inside them is not taken ("có liên quan", "chương trình"); never stops.
SKIP_WORDS = (
    "có liên quan", "có thẩm quyền", "có chức năng", "trực thuộc", "chương trình", "quá trình", "lộ trình",
    "công trình", "tờ trình", "dự án", "dự toán", "Giao thông", "giao thông", "thông báo chí", "đầu tư xây dựng",
    "quản lý dự án",
)
NARRATIVE_WORDS = (
    "đã", "đang", "vừa", "được", "là", "kết luận", "thông báo", "ghi nhận", "biểu dương", "họp", "dự họp",
    "dự hội nghị", "dự buổi", "tham dự",
    "đánh giá cao", "cho biết", "nhận thấy", "hoan nghênh", "trong thời gian qua", "đồng ý",
    "thống nhất", "cho phép", "chấp thuận", "luôn", "nhất trí", "trân trọng", "cảm ơn", "có", "gồm", "bao gồm",
    "chủ trì họp", "làm việc với", "nghe", "phát biểu", "biết", "chỉ thị", "chịu ảnh hưởng", "bị ảnh hưởng",
    "tự giải thể", "giải thể", "chấm dứt hoạt động", "có hiệu lực", "gồm các", "bao gồm các", "truyền đạt",
    "xin báo cáo", "trân trọng", "sẽ",
    "bị thiệt hại",
)
# Verbs of the issuer itself ("UBND tỉnh yêu cầu ...", "UBND tỉnh ban hành ...") — not tasks.
ISSUER_VERBS = frozenset((
    "yêu cầu", "đề nghị", "giao", "chỉ đạo", "thông báo", "kết luận", "ghi nhận", "biểu dương", "ban hành",
    "quyết định", "họp", "có ý kiến", "đồng ý", "thống nhất", "cho phép", "chấp thuận", "vừa", "đã", "đang",
))
_ISSUER = re.compile(
    r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+(?:[Tt]ỉnh|[Tt]hành phố|TP\.?)$"
    r"|^(?:Phó\s+)?Chủ tịch(?:\s+Thường trực)?\s+(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+"
    r"(?:[Tt]ỉnh|[Tt]hành phố)\b.*$"
    r"|^(?:Thủ tướng|Chính phủ|Ban Thường vụ Tỉnh ủy|Ban Thường vụ Thành ủy|Tỉnh ủy|Thành ủy)$"
)

# In a partner list or an addressee, the phrase also ends at these nouns and prepositions.
_LIST_STOPS = (
    "kết quả", "về", "trước", "để", "nhằm", "theo", "trong", "tại", "khi", "hoặc", "nếu", "bằng", "cho", "từ",
    "đến", "việc", "các nội dung", "nội dung", "tình hình", "xem xét", "trước ngày", "kết quả thực hiện",
    "hằng", "hàng", "định kỳ", "số liệu", "đề án", "kế hoạch", "phương án", "dự thảo", "văn bản", "ý kiến",
    "tiến độ", "những", "một số", "chậm nhất", "qua", "đúng", "theo quy định", "trên cơ sở", "nhanh", "ngay",
    "tiếp", "lên", "sau", "xin", "thời gian",
)
# Verbs that describe a collective noun rather than start the predicate ("các đơn vị cung cấp dịch vụ").
_RELATIVE_OK = ("cung cấp", "kinh doanh", "sản xuất", "quản lý", "vận tải", "chủ quản", "có thẩm quyền", "có liên quan",
                "trực thuộc", "thuộc", "được giao", "tham gia")
_COLLECTIVE_NOUNS = ("đơn vị", "cơ quan", "doanh nghiệp", "tổ chức", "cơ sở", "nhà mạng", "lực lượng")

_W = rf"(?<![{_LOW}{_UP}0-9])"
_WE = rf"(?![{_LOW}{_UP}0-9])"
_LEAD_STOP = re.compile(
    rf"{_W}(?P<w>{_alt(DIRECTIVE_WORDS + NARRATIVE_WORDS + SKIP_WORDS)}){_WE}|(?P<p>[.;!?:]|\s\()"
)
_LIST_STOP = re.compile(
    rf"{_W}(?P<w>{_alt(DIRECTIVE_WORDS + NARRATIVE_WORDS + _LIST_STOPS + SKIP_WORDS)}){_WE}"
    rf"|(?P<p>[.;:!?]|\s\(|\s-\s(?=[{_LOW}]))"
)
_QUALIFIER = re.compile(
    r"\s*,?\s*(?:theo|căn cứ|trong phạm vi|trong phạm vi,)\s+(?:chức năng|thẩm quyền|nhiệm vụ|lĩnh vực|phạm vi)"
    r"[^.;:]{0,80}?(?=\s(?:" + _alt(DIRECTIVE_WORDS) + r")\b)"
)
_DIRECTIVE_SET = frozenset(DIRECTIVE_WORDS)
_SKIP_SET = frozenset(SKIP_WORDS)
_RESTRICTIVE = frozenset(("chịu ảnh hưởng", "bị ảnh hưởng", "bị thiệt hại"))
_STANDING_BODY = re.compile(r"là\s+(?:(?:cơ quan|đơn vị)\s+)?(?:thường trực|đầu mối|chủ trì|chuyên môn)")
_NARRATIVE_SET = frozenset(NARRATIVE_WORDS)


@lru_cache(maxsize=64)
def known_regex(names: tuple[str, ...]) -> re.Pattern | None:
    """Regex matching any known agency name (caller's list + built-in), longest first."""
    words = [n.strip() for n in names if n and 2 <= len(n.strip()) <= 200]
    words += list(BUILTIN_NAMES)
    if not words:
        return None
    return re.compile(rf"{_W}(?:{_alt(words)}){_WE}")


class Spans(tuple):
    """Sorted, non-overlapping (start, end) spans with their starts for bisection."""

    starts: list[int]

    def __new__(cls, items=()):
        obj = super().__new__(cls, items)
        obj.starts = [s for s, _e in obj]
        return obj

    def between(self, i: int, end: int):
        """Spans starting in [i, end)."""
        k = bisect_left(self.starts, i)
        while k < len(self) and self[k][0] < end:
            yield self[k]
            k += 1


_NO_SPANS = Spans()


@lru_cache(maxsize=512)
def known_spans(text: str, known: re.Pattern | None) -> Spans:
    """Spans of known agency names in ``text`` (cached: the same unit is looked at several times)."""
    if known is None:
        return _NO_SPANS
    return Spans(m.span() for m in known.finditer(text))


def _as_spans(spans) -> Spans:
    return spans if isinstance(spans, Spans) else Spans(spans)


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    spans = _as_spans(spans)
    k = bisect_right(spans.starts, pos - 1) - 1
    return k >= 0 and spans[k][0] < pos < spans[k][1]


def head_at(text: str, i: int, *, loose: bool = False) -> int:
    """End of the agency head at ``i`` (-1 if none)."""
    m = (HEAD_LOOSE if loose else HEAD).match(text, i)
    return m.end() if m else -1


class Phrase:
    __slots__ = ("start", "end", "stop_word", "stop_pos", "restrictive")

    def __init__(self, start: int, end: int, stop_word: str | None, stop_pos: int) -> None:
        self.start, self.end, self.stop_word, self.stop_pos = start, end, stop_word, stop_pos
        self.restrictive = False

    @property
    def directive(self) -> bool:
        return self.stop_word in _DIRECTIVE_SET or self.stop_word == _UNKNOWN_VERB or self.restrictive

    @property
    def narrative(self) -> bool:
        return self.stop_word in _NARRATIVE_SET and not self.restrictive


def lead_phrase(text: str, i: int, spans: Sequence[tuple[int, int]], *, loose: bool = False,
                limit: int | None = None) -> Phrase | None:
    """The agency phrase used as a subject at ``i``: from its head to the first predicate word (before ``limit``)."""
    limit = len(text) if limit is None else limit
    h = head_at(text, i, loose=loose)
    if h < 0 or h > limit:
        return None
    pos = h
    bound = min(limit, i + 400)  # no lead is longer: keeps every search short
    while True:
        m = _LEAD_STOP.search(text, pos, bound)
        if m is None:
            end = bound
            stop, stop_pos = None, bound
            break
        if m.group("w") and (m.group("w") in _SKIP_SET or _inside(m.start(), spans) or _relative(text, m)):
            pos = m.end()
            continue
        if _name_overlap(text, m):
            pos = m.start() + 5  # "Sở Thông tin và Truyền thông báo cáo …": "thông" ends the name
            continue
        punct = (m.group("p") or "").strip()
        if punct in (":", ";"):
            nxt = m.end()
            while nxt < len(text) and text[nxt] == " ":
                nxt += 1
            if HEAD_LOOSE.match(text, nxt):
                pos = m.end()
                continue
        if punct == "(" and _paren_is_name(text, m.end()):
            pos = text.find(")", m.end()) + 1
            continue
        if punct == "(":
            # "Sở X (cơ quan thường trực Ban Chỉ huy …) có trách nhiệm": an apposition before the verb
            close = text.find(")", m.end(), min(len(text), m.end() + 240))
            after = _LEAD_STOP.match(text, close + 1) if close > 0 else None
            if after is None and close > 0:
                after = _LEAD_STOP.match(text, close + 2) if text[close + 1:close + 2] == " " else None
            if after is not None and after.group("w") in _DIRECTIVE_SET:
                end, stop, stop_pos = m.start(), after.group("w"), after.start()
                break
        end = m.start()
        stop = m.group("w") or punct
        stop_pos = m.start()
        break
    cut = _known_cut(text, i, end, spans)
    if cut is not None:
        end, stop, stop_pos = cut, _UNKNOWN_VERB, cut
    end = _trim(text, i, end)
    if end <= i or end - i > 320:
        return None
    # a qualifier such as "theo chức năng, nhiệm vụ được giao" sits between the lead and its verb
    q = _QUALIFIER.match(text, end)
    if q and stop in ("theo", None):
        nxt = _LEAD_STOP.search(text, q.end())
        if nxt and nxt.group("w"):
            stop, stop_pos = nxt.group("w"), nxt.start()
    phrase = Phrase(i, end, stop, stop_pos)
    if stop == "là" and _STANDING_BODY.match(text, stop_pos):
        phrase.restrictive = True  # "Sở X là cơ quan thường trực, …"
    if stop in _RESTRICTIVE or (stop == "có" and re.search(r"(?:^|\s)các\s", text[i:end])):
        # "các tỉnh chịu ảnh hưởng của bão tập trung …": the clause restricts the lead, the verb comes after it
        pos, limit = stop_pos + len(stop), min(len(text), stop_pos + 160)
        while True:
            nxt = _LEAD_STOP.search(text, pos, limit)
            if nxt is None or not nxt.group("w"):
                break
            if nxt.group("w") in _SKIP_SET:
                pos = nxt.end()
                continue
            phrase.restrictive = nxt.group("w") in _DIRECTIVE_SET
            break
    return phrase


def list_phrase(text: str, i: int, spans: Sequence[tuple[int, int]], *, limit: int | None = None) -> Phrase | None:
    """An agency list at ``i`` (partners after "phối hợp với", addressee after "báo cáo"), before ``limit``."""
    limit = len(text) if limit is None else limit
    h = head_at(text, i, loose=True)
    if h < 0 or h > limit:
        return None
    pos = h
    for _s, e in _as_spans(spans).between(i, i + 1):
        pos = max(pos, e)
    bound = min(limit, i + 600)  # no list of partners is longer
    while True:
        m = _LIST_STOP.search(text, pos, bound)
        if m is None:
            end = bound
            break
        if m.group("w") and (m.group("w") in _SKIP_SET or _inside(m.start(), spans) or _relative(text, m)):
            pos = m.end()
            continue
        if _name_overlap(text, m):
            pos = m.start() + 5
            continue
        if m.group("p") and m.group("p").strip() == "(" and _paren_is_name(text, m.end()):
            close = text.find(")", m.end())
            pos = close + 1
            continue
        end = m.start()
        break
    cut = _known_cut(text, i, end, spans)
    if cut is not None:
        end = cut
    end = _trim(text, i, end)
    if end <= i:
        return None
    return Phrase(i, end, None, end)


_UNKNOWN_VERB = "<verb>"
_LOCALITY_END = re.compile(
    r"(?<=\s)(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?!(?:ủy|uỷ|hội|đoàn|đội)\b)"
    rf"(?=[{_LOW}])(?!(?:các|cấp|trực thuộc|thuộc|liên quan|có liên quan|khác|và|trên|nơi|ven|miền|biên giới|"
    r"vùng|đồng bằng|trung du|có|chịu trách nhiệm|có trách nhiệm)\b)"
)
_AFTER_NAME = re.compile(
    rf"\s*[,;:]\s|\s+và\s|\s*\(|\s+(?:{_LOCALITY}|[{_UP}0-9])|\s*$"
    r"|\s+(?:các|cấp|liên quan|có liên quan|trực thuộc|thuộc|khác)\b"
)


def _known_cut(text: str, i: int, end: int, spans: Sequence[tuple[int, int]]) -> int | None:
    """A known agency name (or a locality word) inside the phrase followed by a word that cannot continue a
    name: cut there."""
    lm = _LOCALITY_END.search(text, i, end)
    if lm and not _inside(lm.start(), spans):
        nxt = _LEAD_STOP.match(text, lm.end())
        if nxt is None or not nxt.group("w"):
            return lm.end() - 1
    for _s, e in _as_spans(spans).between(i, end):
        if e < end and not _AFTER_NAME.match(text, e, end):
            nxt = text[e:e + 2].strip()
            if nxt and nxt[0].islower():
                return e
    return None


def _name_overlap(text: str, m: re.Match) -> bool:
    """A stop word whose first word is the last word of a name: "Truyền thông báo cáo" is not "thông báo"."""
    return m.group("w") == "thông báo" and text[max(0, m.start() - 8):m.start()].rstrip().endswith("Truyền")


def _paren_is_name(text: str, i: int) -> bool:
    close = text.find(")", i)
    return 0 < close - i < 60 and bool(HEAD.match(text, i))


def _relative(text: str, m: re.Match) -> bool:
    word = m.group("w")
    if text[max(0, m.start() - 7):m.start()].endswith(("các ", "Các ", "những ", "Những ")):
        return True
    if word not in _RELATIVE_OK:
        return False
    before = text[max(0, m.start() - 12):m.start()].rstrip()
    return before.endswith(_COLLECTIVE_NOUNS)


_TRIM_TAIL = re.compile(r"[\s,:;–-]+$")


def _trim(text: str, start: int, end: int) -> int:
    seg = text[start:end]
    stripped = _TRIM_TAIL.sub("", seg)
    # drop an unclosed "(" tail
    return start + len(stripped)


# "Văn phòng HĐND và UBND huyện", "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh" is one office
_OFFICE_OF = re.compile(r"Văn phòng\s+(?:HĐND|Hội đồng nhân dân|Đoàn)")
_COUNCIL = re.compile(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)\b")
_SPLIT = re.compile(r",\s*và\s+|\s*[,;]\s+|\s+và\s+")


def split_agencies(phrase: str) -> list[str]:
    """Split a partner list into distinct agencies; a collective phrase stays one item."""
    items: list[str] = []
    start = 0
    for m in _SPLIT.finditer(phrase):
        nxt = m.end()
        if HEAD.match(phrase, nxt) and not (_OFFICE_OF.match(phrase, start) and _COUNCIL.match(phrase, nxt)):
            items.append(phrase[start:m.start()])
            start = nxt
    items.append(phrase[start:])
    return [x.strip(" ,;") for x in items if x.strip(" ,;")]


def is_issuer(lead: str) -> bool:
    return bool(_ISSUER.match(lead))
