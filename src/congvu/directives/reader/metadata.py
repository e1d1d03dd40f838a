"""Document metadata per Decree 30/2020: number/symbol, type, place/date, subject, signature, recipients.

Works on the clean lines.  A document with a header (a "Số:" line or a place/date line) is read
from its header; a portal article that only reports a document ("UBND tỉnh ban hành Văn bản số
2042/UBND-DL1 về việc ...") gives the reported document's number, symbol, type, date and subject
as the article states them, and null for the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .agencies import _LOW, _UP
from .normalise import Line, cells_of, is_chrome, is_debris

_SYMBOL = r"[A-ZĐ0-9][\wĐđ&.]*(?:\s*[-/]\s*[\wĐđ&][\wĐđ&.]*)*"
# "Số: 161 /TB-UBND", "Số 432-TB/VPTW", and "Số:      /UBND-VP" (a draft: the number is left blank)
_NUMBER_LINE = re.compile(rf"(?<![\w/])Số\s*[:.]?\s*(?:(?P<n>\d{{1,6}}[a-z]?)\s*(?P<sep>[/-])|[.…_]*\s*/)\s*"
                          rf"(?P<s>{_SYMBOL})")
# "ngày 27 tháng 3 năm 2020", and "ngày    tháng    năm 2025" (a draft: day and month left blank)
_DATE_WORDS = re.compile(
    r",?\s*ngày\s+(?:(?P<d>\d{1,2})\s+|[.…_\s]*)tháng\s+(?:(?P<m>\d{1,2})\s+|[.…_\s]*)năm\s+(?P<y>\d{4})")
_DATE_NUMERIC = re.compile(r",\s*ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*$")


class _PlaceDate:
    """'<place>, ngày … tháng … năm …': the place is the text before the date, back to a comma or '|'."""

    def __init__(self, date_re: re.Pattern, min_place: int) -> None:
        self.date_re, self.min_place = date_re, min_place

    def search(self, text: str):
        for m in self.date_re.finditer(text):
            window = text[max(0, m.start() - 80):m.start()]
            cut = max(window.rfind(","), window.rfind("|"))
            place = window[cut + 1:]
            if len(place) >= self.min_place:
                return _PlaceMatch(m, place, m.start() - len(place))
        return None


class _PlaceMatch:
    def __init__(self, m: re.Match, place: str, place_start: int) -> None:
        self._m, self._place, self._place_start = m, place, place_start

    def group(self, name: str = "place") -> str:
        return self._place if name == "place" else self._m.group(name)

    def start(self, name: str = "place") -> int:
        return self._place_start

    def end(self, name: str = "place") -> int:
        return self._place_start + len(self._place) if name == "place" else self._m.end(name)


_PLACE_DATE = _PlaceDate(_DATE_WORDS, 0)
_PLACE_DATE_NUM = _PlaceDate(_DATE_NUMERIC, 2)

TYPE_TITLES = {
    "THÔNG BÁO KẾT LUẬN": "Thông báo", "THÔNG BÁO": "Thông báo", "CÔNG ĐIỆN": "Công điện", "CHỈ THỊ": "Chỉ thị",
    "KẾ HOẠCH": "Kế hoạch", "QUYẾT ĐỊNH": "Quyết định", "NGHỊ QUYẾT": "Nghị quyết", "BÁO CÁO": "Báo cáo",
    "TỜ TRÌNH": "Tờ trình", "HƯỚNG DẪN": "Hướng dẫn", "CHƯƠNG TRÌNH": "Chương trình", "GIẤY MỜI": "Giấy mời",
    "QUY CHẾ": "Quy chế", "QUY ĐỊNH": "Quy định", "PHƯƠNG ÁN": "Phương án", "ĐỀ ÁN": "Đề án",
    "BIÊN BẢN": "Biên bản", "THÔNG CÁO": "Thông cáo", "CÔNG VĂN": "Công văn", "KẾT LUẬN": "Kết luận",
    "THÔNG TRI": "Thông tri", "GIẤY GIỚI THIỆU": "Giấy giới thiệu", "DỰ ÁN": "Dự án",
}
TYPE_ABBR = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định", "TC": "Thông cáo",
    "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án",
    "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình", "CĐ": "Công điện", "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu", "KL": "Kết luận",
}
_TITLE_RE = re.compile(
    rf"(?:^|(?<=[\d.;:)\]{_LOW}] )|(?<=\d))(?P<t>"
    + "|".join(sorted(map(re.escape, TYPE_TITLES), key=len, reverse=True))
    + rf")(?![{_UP}{_LOW}])(?P<rest>.*)$"
)
_VV = re.compile(r"(?:(?:^|(?<=\s))(?:V/v|V/V|v/v|V\.v)|^Về việc)\s*[:.]?\s+(?P<s>\S.*)$")
_VV_AT_END = re.compile(r"(?:^|(?<=\s))(?:V/v|V/V|v/v|V\.v)\s*[:.]?$")
_BODY_START = re.compile(
    r"(?:\d{1,2}\s*[.)]\s|[IVX]{1,4}\.\s|[-+•]\s|[a-zđ]\)\s|Điều\s+\d|Căn cứ\s|Thực hiện\s|Ngày\s+\d|Để\s|Theo\s"
    r"|Sau khi\s|Hiện nay|Thời gian qua|Nhằm\s|Trong\s|Tại\s|Qua\s|Trên cơ sở)"
)
_KINH_GUI = re.compile(r"^\s*Kính\s+gửi\b|\bđiện\s*:\s*$", re.IGNORECASE)
_NOI_NHAN = re.compile(r"Nơi\s+nhận\s*:?", re.IGNORECASE)
_NATIONAL = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI|Độc\s+lập\s*-\s*Tự\s+do|ĐỘC\s+LẬP\s*-\s*TỰ\s+DO", re.IGNORECASE)

_APPENDIX = re.compile(r"^(?:KẾ HOẠCH|QUY CHẾ|QUY ĐỊNH|PHỤ LỤC|CHƯƠNG TRÌNH|DANH MỤC|PHƯƠNG ÁN|HƯỚNG DẪN|ĐỀ ÁN)\b"
                       r"|^\(?(?:Ban hành )?[Kk]èm theo (?:Quyết định|Nghị quyết|Công văn|Kế hoạch)")
_ARTICLE_TAIL = re.compile(r"^(?:Tin liên quan|Tin khác|Các tin khác|Tin cùng chuyên mục|Bài viết khác|Bình luận"
                           r"|Tài liệu đính kèm|Tiện ích thông tin|Ý kiến bạn đọc)\b")
_REPORTED = re.compile(
    r"(?P<type>Thông báo kết luận|Thông báo|Công văn|Văn bản|Công điện|Chỉ thị|Kế hoạch|Quyết định|Nghị quyết"
    r"|Hướng dẫn|Chương trình|Tờ trình|Báo cáo|Kết luận|Thông tri)\s+(?:số\s+)?(?P<n>\d{1,6})\s*(?P<sep>/)\s*"
    rf"(?P<s>{_SYMBOL})"
)
_AFTER_DATE = re.compile(
    r"\s*,?\s*(?:ban hành\s+)?ngày\s+(?:(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))"
)
_SENTENCE_DATE = re.compile(r"(?:^|[.!?]\s+)Ngày\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?\s*,")
_DATELINE = re.compile(r"(?<!\d)(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?!\d)")
_ARTICLE_SUBJECT = re.compile(r"\s*(?:,\s*)?(?:về\s+việc|về)\s+(?P<s>[^.;!?]+)")
_NEXT_CLAUSE = re.compile(rf",\s+(?=[{_UP}])")
_ARTICLE_SUBJECT_LATER = re.compile(r"\s(?:về\s+việc)\s+(?P<s>[^.;!?]+)")

_PREFIX = re.compile(r"^(?P<p>TM|KT|TL|TUQ|Q|K/T|T/M|T/L)\s*\.?\s+(?=[" + _UP + "])")
_TITLE_WORDS = re.compile(
    r"(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|TRƯỞNG BAN|TRƯỞNG PHÒNG|BỘ TRƯỞNG|THỨ TRƯỞNG"
    r"|THỦ TƯỚNG|BÍ THƯ|CỤC TRƯỞNG|VỤ TRƯỞNG|VIỆN TRƯỞNG|HIỆU TRƯỞNG|TỔNG GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CHÁNH ÁN"
    r"|CHỦ NHIỆM|CHI CỤC TRƯỞNG|TRƯỞNG ĐOÀN|TỔ TRƯỞNG|TƯ LỆNH|CHỈ HUY TRƯỞNG|TRƯỞNG CÔNG AN|CHÁNH VP|THỦ TRƯỞNG"
    r"|GIÁM ĐỐC SỞ|TRƯỞNG BAN CHỈ ĐẠO|KẾ TOÁN TRƯỞNG|TRƯỞNG)"
)
_SIGNED = re.compile(r"^[(\[]?\s*(?:đã ký|Đã ký|ĐÃ KÝ|ký|Ký)[^)\]]{0,40}[)\]]?$|^\[?daky\]?$|^\(?(?:Ký|ký) tên.*$")
_NAME = re.compile(
    rf"^(?P<name>[{_UP}][{_LOW}]+(?:\s+[{_UP}][{_LOW}]*){{1,5}})\.?$"
)
_SPLIT_CELL = re.compile(
    rf"^(?P<upper>.*[{_UP}]{{2,}}[^{_LOW}]*?)\s+(?P<name>[{_UP}][{_LOW}]+(?:\s+[{_UP}][{_LOW}]*){{1,5}})$")


@dataclass
class Header:
    document: dict
    body_start: int = 0  # first line index of the body
    body_end: int = 10**9  # first line index after the body
    article: bool = False
    doc_date: dt.date | None = None
    fallback_year: int | None = None
    kinh_gui: list[int] = field(default_factory=list)
    appendix: int | None = None  # first line of a plan/regulation attached after the signature


def _iso_date(d: str, m: str, y: str) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except (ValueError, TypeError):
        return None


def _upper_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def read_header(lines: list[Line]) -> Header:
    doc = {
        "number": None, "symbol": None, "type": None, "place": None, "date": None, "subject": None,
        "signer": None, "signer_title": None, "authority": None, "recipients": [],
    }
    cells = [c for ln in lines for c in cells_of(ln)]
    nonblank = [c for c in cells if c.text and not is_debris(c.text) and not is_chrome(c.text)]
    head_lines = nonblank[:45]
    # the header ends where the prose starts
    limit = len(head_lines)
    for k, ln in enumerate(head_lines):
        if (len(ln.text) > 220 and not _VV.search(ln.text) and not _TITLE_RE.search(ln.text)) or (
                k > 2 and _BODY_START.match(ln.text)):
            limit = k
            break
    head_lines = head_lines[:limit]
    header_last = -1

    symbol_end = None
    for ln in head_lines:
        m = _NUMBER_LINE.search(ln.text)
        if m and (m.group("n") or ln.text.lstrip().startswith("Số")):
            doc["number"] = m.group("n")
            doc["symbol"] = re.sub(r"\s+", "", m.group("s")).rstrip(".,;:")
            symbol_end = (id(ln), m.end())
            header_last = max(header_last, ln.index)
            break

    # the place/date line, possibly hard-wrapped over two lines
    candidates = []
    for k, ln in enumerate(head_lines):
        prev = head_lines[k - 1] if k else None
        split_name = re.match(rf"[{_UP}][{_LOW}]+,\s*ngày\s", ln.text) and prev is not None and re.search(
            rf"\s[{_UP}][{_LOW}]+$", prev.text)  # "… Quảng" / "Trị, ngày …": a place name wrapped
        if prev is not None and prev.index == ln.index - 1 and (re.match(r"ngày\s", ln.text) or split_name):
            # "… Quảng Trị," / "ngày 11 tháng 9 năm 2023": the place is at the end of the line before
            candidates.append(Line(prev.text + " " + ln.text, prev.start, prev.index))
        candidates.append(ln)
    for a, b in zip(head_lines, head_lines[1:], strict=False):
        if b.index == a.index + 1 and "ngày" in a.text + b.text:
            candidates.append(Line(a.text + " " + b.text, a.start, a.index))
    for ln in candidates:
        m = _PLACE_DATE.search(ln.text) or _PLACE_DATE_NUM.search(ln.text)
        if not m:
            continue
        place = m.group("place")
        if symbol_end and symbol_end[0] == id(ln):
            place = ln.text[symbol_end[1]:m.start("place") + len(place)] if symbol_end[1] < m.end("place") else ""
        place = re.split(r"Hạnh\s+phúc|HẠNH\s+PHÚC|\||-{3,}|_{3,}|Số\s*[:.]?\s*\d+\s*[/-]\s*\S+", place)[-1]
        place = place.strip(" ,.:;-–_")
        if place and place[0].isupper() and len(place.split()) <= 8 and not re.search(r"\d", place):
            doc["place"] = place
        if m.group("d") and m.group("m"):
            doc["date"] = _iso_date(m.group("d"), m.group("m"), m.group("y"))
        header_last = max(header_last, ln.index)
        break

    article = doc["number"] is None and doc["date"] is None and doc["place"] is None
    subject_lines: list[int] = []
    kinh_gui: list[int] = []
    if not article:
        vv_type = False
        for k, ln in enumerate(head_lines):
            m = _VV.search(ln.text)
            pd = _PLACE_DATE.search(ln.text) if m else None
            at_end = m is None and _VV_AT_END.search(ln.text)  # "… V/v" / "tăng cường …" (wrapped)
            if at_end or m and (pd is None or pd.end("d") <= m.start() or pd.start() > m.start("s")):
                first = "" if at_end else m.group("s")
                if pd is not None and pd.start() > m.start("s"):
                    first = ln.text[m.start("s"):pd.start()]  # "V/v … Hà Nội, ngày …" on one line
                parts = [first] if first else []
                subject_lines.append(ln.index)
                for nxt in head_lines[k + 1:]:
                    if nxt.index != subject_lines[-1] + 1 or _stops_subject(nxt.text) or _KINH_GUI.search(nxt.text) \
                            or (_upper_ratio(nxt.text) > 0.8 and _upper_ratio(" ".join(parts)) < 0.8) \
                            or len(" ".join(parts)) > 400:
                        break
                    parts.append(nxt.text)
                    subject_lines.append(nxt.index)
                if not parts:
                    subject_lines.pop()
                    continue
                doc["subject"] = _strip_subject(" ".join(parts))
                vv_type = True
                break
        title_type = None
        for ln in head_lines:
            m = _TITLE_RE.search(ln.text)
            if not m or _NATIONAL.search(ln.text):
                continue
            rest = m.group("rest").strip()
            if rest and _upper_ratio(rest) < 0.5 and not rest[0].isupper():
                continue
            title_type = TYPE_TITLES[m.group("t")]
            header_last = max(header_last, ln.index)
            if doc["subject"] is None:
                parts = []
                if rest:
                    parts.append(rest)
                following = lines[ln.index + 1:ln.index + 25]
                started = bool(parts)
                blanks = 0
                for nxt in following:
                    if not nxt.text or is_debris(nxt.text) and not nxt.text.strip(".-_=~ "):
                        if started:
                            break
                        blanks += 1
                        if blanks > 3:
                            break
                        continue
                    if not started and (_NUMBER_LINE.search(nxt.text) or _PLACE_DATE.search(nxt.text)):
                        continue  # markdown copies put the number and date between the title and the subject
                    if _stops_subject(nxt.text, first=not started) or len(" ".join(parts)) > 400 or (
                            started and _upper_ratio(nxt.text) > 0.8 and _upper_ratio(" ".join(parts)) < 0.8):
                        break
                    parts.append(nxt.text)
                    subject_lines.append(nxt.index)
                    started = True
                if parts:
                    doc["subject"] = _strip_subject(" ".join(parts))
            break
        if title_type:
            doc["type"] = title_type
        elif vv_type:
            doc["type"] = "Công văn"
        elif doc["symbol"]:
            doc["type"] = _type_from_symbol(doc["symbol"])
        if doc["type"] is None or doc["type"] == "Công văn" and not title_type:
            for ln in head_lines + nonblank[limit:limit + 5]:
                if _KINH_GUI.match(ln.text):
                    doc["type"] = doc["type"] or "Công văn"
                    break
        if subject_lines:
            header_last = max(header_last, max(subject_lines))
        # "Kính gửi" block: addressees, not recipients and not tasks
        for k, ln in enumerate(lines):
            if k <= header_last + 12 and _KINH_GUI.search(ln.text):
                kinh_gui.append(k)
                for nxt in lines[k + 1:k + 40]:
                    if not nxt.text:
                        continue
                    if lines[kinh_gui[-1]].text.rstrip().endswith("."):
                        break  # the list ended ("Kính gửi: Sở Y tế; Sở Tài chính." on one line, too)
                    prev_open = len(kinh_gui) > 1 and not lines[kinh_gui[-1]].text.rstrip().endswith(";")
                    if re.match(r"^[-–+•]\s*", nxt.text) and (len(nxt.text) < 200 or len(nxt.text) < 600 and (
                            nxt.text.rstrip().endswith(";"))) or (
                            len(nxt.text) < 120 and nxt.text.rstrip().endswith(";")) or (
                            prev_open and len(nxt.text) < 200):
                        kinh_gui.append(nxt.index)
                        continue
                    break
                header_last = max(header_last, kinh_gui[-1])
                break
    else:
        reported = _read_article(lines, doc)
        if reported is not None:
            header_last = reported - 1

    # body end: "Nơi nhận" or the signature block, whichever comes first
    body_end = len(lines)
    if article:
        for ln in lines[header_last + 1:]:
            if _ARTICLE_TAIL.match(ln.text):
                body_end = ln.index
                break
    recip_line = None
    for ln in reversed(lines):
        if _NOI_NHAN.search(ln.text) and ln.index > header_last:
            recip_line = ln.index
            break
    if recip_line is not None:
        doc["recipients"] = _recipients(lines, recip_line)
        body_end = recip_line
    sig_start, sig_end = _signature(lines, doc, max(header_last, 0))
    if sig_start is not None and sig_start > header_last:
        body_end = min(body_end, sig_start)
    # a plan/regulation attached after the signature ("Ban hành kèm theo Quyết định …") holds tasks too
    appendix = None
    if sig_end is not None and recip_line is not None and body_end < len(lines):
        after = [ln for ln in lines[max(sig_end, recip_line) + 1:] if ln.text]
        for ln in after[:6]:
            if _APPENDIX.match(ln.text):
                appendix = ln.index
                break

    fallback_year = None
    if doc["date"]:
        doc_date = dt.date.fromisoformat(doc["date"])
    else:
        doc_date = None
        for ln in nonblank[:8]:
            m = _DATELINE.search(ln.text)
            if m:
                fallback_year = int(m.group("y"))
                break
    return Header(doc, header_last + 1, body_end, article, doc_date, fallback_year, kinh_gui, appendix)


def _stops_subject(text: str, *, first: bool = False) -> bool:
    """A line that cannot continue a subject (``first``: the line right under the type title)."""
    opener = r"^(?:Căn cứ|Kính gửi|Số\s*:|Ngày\s+\d{1,2}\b)" if first else (
        r"^(?:Căn cứ|Kính gửi|Số\s*:|Ngày\s+\d{1,2}\b|Thực hiện|Sau khi|Nhằm|Để|Theo|Trong|Hiện nay|Trên cơ sở"
        r"|Tại|Vừa qua"
        r"|Thời gian qua|Qua|Xét|Được sự|Sáng|Chiều|Tối|Hôm|Năm\s+\d)")
    return bool(
        re.match(opener, text)
        or _KINH_GUI.search(text)
        or _NATIONAL.search(text)
        or re.match(r"^[-_=~.*–—]{3,}$", text)
        or re.match(r"^(?:[IVX]+|\d+)\s*[.)]\s", text)
        or _PLACE_DATE.search(text)
        or _NOI_NHAN.match(text)
    )


def _strip_subject(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^(?:V/v|V/V|v/v|V\.v|Về việc|VỀ VIỆC)\s*[:.]?\s*", "", text)
    text = re.sub(r"\s*[-_=~]{3,}$", "", text).strip()
    return text or None


def _type_from_symbol(symbol: str) -> str:
    parts = re.split(r"[-/]", symbol)
    for part in parts:
        if part.isdigit():
            continue
        return TYPE_ABBR.get(part, "Công văn")
    return "Công văn"


def _blocks(lines: list[Line]) -> list[tuple[Line, list[tuple[int, int]]]]:
    """Consecutive non-blank lines joined (hard-wrapped paragraphs): (block, [(offset, line index)])."""
    out: list[tuple[Line, list[tuple[int, int]]]] = []
    cur: list[Line] = []
    for ln in lines + [Line("", 0, -1)]:
        if ln.text and not is_chrome(ln.text):
            cur.append(ln)
            continue
        if cur:
            block = Line(" ".join(x.text for x in cur), cur[0].start, cur[0].index)
            # where a wrapped line ends a paragraph (short line, next one capitalised): blocks of PDF text
            # have no blank lines between paragraphs
            width = max(len(x.text) for x in cur)
            ends, pos = [], 0
            starts = [(0, cur[0].index)]
            for a, b in zip(cur, cur[1:], strict=False):
                pos += len(a.text) + 1
                starts.append((pos, b.index))
                if len(a.text) < 0.8 * width and b.text[:1].isupper():
                    ends.append(pos - 1)
            block.gaps = tuple(ends)
            out.append((block, starts))
        cur = []
    return out


def _read_article(lines: list[Line], doc: dict) -> int | None:
    for ln, starts in _blocks(lines):
        m = _REPORTED.search(ln.text)
        if not m:
            continue
        doc["number"] = m.group("n")
        doc["symbol"] = re.sub(r"\s+", "", m.group("s")).rstrip(".,;:")
        word = m.group("type")
        if word == "Văn bản":
            doc["type"] = _type_from_symbol(doc["symbol"])
        elif word == "Thông báo kết luận":
            doc["type"] = "Thông báo"
        else:
            doc["type"] = word
        tail = ln.text[m.end():]
        dm = _AFTER_DATE.match(tail)
        if dm:
            if dm.group("d"):
                doc["date"] = _iso_date(dm.group("d"), dm.group("m"), dm.group("y"))
            else:
                doc["date"] = _iso_date(dm.group("d2"), dm.group("m2"), dm.group("y2"))
            tail = tail[dm.end():]
        else:
            sentence_start = max(ln.text.rfind(". ", 0, m.start()) + 2, 0)
            sd = _SENTENCE_DATE.search(ln.text[sentence_start if sentence_start > 1 else 0:m.start()])
            if sd:
                year = sd.group("y")
                if not year:
                    for other in lines[:max(ln.index, 0)]:
                        dl = _DATELINE.search(other.text)
                        if dl and int(dl.group("m")) == int(sd.group("m")):
                            year = dl.group("y")
                            break
                if year:
                    doc["date"] = _iso_date(sd.group("d"), sd.group("m"), year)
        sm = _ARTICLE_SUBJECT.match(tail) or _ARTICLE_SUBJECT_LATER.search(tail.split(". ")[0])
        if sm:
            offset = len(ln.text) - len(tail)
            end = offset + sm.end("s")
            for para_end in ln.gaps:  # the subject stops where its paragraph does
                if offset + sm.start("s") < para_end < end:
                    end = para_end
                    break
            clause = _NEXT_CLAUSE.search(ln.text, offset + sm.start("s"), end)
            if clause:  # "… về việc X, UBND Thành phố yêu cầu …": a new clause is not the subject
                end = clause.start()
            subject = ln.text[offset + sm.start("s"):end].strip()
            doc["subject"] = subject or None
        return max(index for off, index in starts if off <= m.start())
    return None


_FLAT_SIGNATURE = re.compile(
    r"(?<=[.;])\s+(?=(?:(?:TM|KT|TL|TUQ|Q|K/T|T/M)\s*\.\s+)?(?:[A-ZĐ][A-ZĐ" + _UP[3:] + r"\s.,]{3,}\s+)?"
    r"(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|BÍ THƯ|CỤC TRƯỞNG|"
    r"CHỦ NHIỆM|ỦY BAN NHÂN DÂN)|(?:TM|KT|TL|TUQ|K/T|T/M)\s*\.\s+[A-ZĐ])"
)


def _recipients(lines: list[Line], k: int) -> list[str]:
    cells = cells_of(lines[k])
    at = next(i for i, c in enumerate(cells) if _NOI_NHAN.search(c.text))
    first = cells[at].text
    m = _NOI_NHAN.search(first)
    fm = _FLAT_SIGNATURE.search(first, m.end())
    if fm:
        first = first[:fm.start()]
    rest = first[m.end():].strip()
    raw: list[str] = []
    if rest:
        raw.extend(_split_inline(rest))
    # a markdown table cell with "<br>" breaks: the bullets are the next cells of the same line
    for c in cells[at + 1:]:
        if not re.match(r"^[-–+•]\s*", c.text):
            break
        raw.extend(_split_inline(c.text))
    prev_open = bool(raw) and not raw[-1].rstrip().endswith((";", "."))
    done = bool(raw) and raw[-1].lstrip("-–+• ").startswith("Lưu")
    for ln in ([] if done else lines[k + 1:k + 60]):
        if not ln.text:
            continue
        text = cells_of(ln)[0].text
        if not prev_open and (_SIGNED.match(text) or _PREFIX.match(text) or (
                _upper_ratio(text) > 0.9 and _TITLE_WORDS.search(text))):
            continue
        bullet = re.match(r"^[-–+•]\s*", text)
        if bullet:
            raw.extend(_split_inline(text))
        elif raw and prev_open:
            raw[-1] = raw[-1] + " " + text
        elif raw and raw[-1].rstrip().endswith(";") and len(text) < 120 and not _PREFIX.match(text) \
                and not _TITLE_WORDS.match(text) and _upper_ratio(text) < 0.95 or (raw and text.startswith("Lưu")):
            raw.append(text)
        else:
            break
        prev_open = not raw[-1].rstrip().endswith((";", "."))
        if raw[-1].lstrip("-–+• ").startswith("Lưu") and raw[-1].rstrip().endswith("."):
            break
    out = []
    for item in raw:
        item = re.sub(r"^[-–+•]\s*", "", item).strip()
        item = re.sub(r";\s*\([^()]*\)\s*$", "", item)
        item = item.rstrip(" ;.,").rstrip("/").rstrip(" ;.")
        if item:
            out.append(item)
    return out


def _split_inline(text: str) -> list[str]:
    parts = re.split(r"(?:^|(?<=[;:.]))\s*[-–+•]\s+", text)
    return [p.strip() for p in parts if p.strip()]


def _signature(lines: list[Line], doc: dict, after: int) -> tuple[int | None, int | None]:
    """Fill signer, signer_title, authority; return the first and last line of the signature block."""
    tail: list[tuple[int, str]] = []
    for ln in lines[after + 1:]:
        if not ln.text or is_chrome(ln.text):
            continue
        for c in cells_of(ln):
            cell = c.text
            if _NOI_NHAN.search(cell):
                # "Nơi nhận: - …; - Lưu: VT. KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A" flattened on one line
                fm = _FLAT_SIGNATURE.search(cell, _NOI_NHAN.search(cell).end())
                if not fm:
                    tail.append((ln.index, cell))
                    continue
                tail.append((ln.index, cell[:fm.start()]))
                cell = cell[fm.start():].strip()
            sm = _SPLIT_CELL.match(cell)
            if sm and not _NOI_NHAN.search(cell):
                tail.append((ln.index, sm.group("upper")))
                tail.append((ln.index, sm.group("name")))
            else:
                tail.append((ln.index, cell))
    for pos in range(len(tail) - 1, -1, -1):
        idx, text = tail[pos]
        nm = _NAME.match(text)
        if not nm or _upper_ratio(text) > 0.9 or _TITLE_WORDS.match(text.upper()) and _upper_ratio(text) > 0.9:
            continue
        # title lines above the name (skipping "(Đã ký)")
        titles: list[tuple[int, str]] = []
        j = pos - 1
        while j >= 0 and pos - j <= 16:
            t = tail[j][1]
            if _SIGNED.match(t) or t.lower() in ("(đã ký)", "đã ký") or (
                    re.match(r"^[-–+•]\s", t) or t.rstrip().endswith(";") or t.startswith("Lưu")):
                j -= 1
                continue
            if _upper_ratio(t) > 0.85 and len(t) < 160 and not _NOI_NHAN.search(t):
                titles.insert(0, tail[j])
                j -= 1
                continue
            break
        if not titles:
            continue
        joined = " ".join(t for _i, t in titles)
        if not (_TITLE_WORDS.search(joined) or _PREFIX.match(titles[0][1])):
            continue
        # keep the block from its first prefix/title line
        authority: list[str] = []
        title_parts: list[str] = []
        for _i, t in titles:
            for seg in _split_prefixes(t):
                pm = _PREFIX.match(seg)
                if pm:
                    p = pm.group("p").replace("/", "")
                    authority.append(p + ".")
                    title_parts.append(seg[pm.end():].strip())
                else:
                    title_parts.append(seg.strip())
        title = _last_title(titles[-1][1], title_parts)
        if len(titles) > 1:
            # a title wrapped over two lines ("… PHÓ CHỦ" / "TỊCH"): a title phrase across the line break wins
            prev, last = titles[-2][1], titles[-1][1]
            joined = f"{prev} {last}"
            for tm in _TITLE_WORDS.finditer(joined):
                if tm.start() < len(prev) < tm.end():
                    title = joined[tm.start():]
                    break
        doc["signer"] = nm.group("name")
        doc["signer_title"] = title
        doc["authority"] = "|".join(authority) or None
        return titles[0][0], idx
    return None, None


def _split_prefixes(line: str) -> list[str]:
    """'TL. ỦY BAN NHÂN DÂN KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG' → one segment per prefix."""
    parts = re.split(r"\s+(?=(?:TM|KT|TL|TUQ|K/T)\s*\.\s)", line)
    return [p for p in parts if p.strip()]


def _last_title(last_line: str, parts: list[str]) -> str | None:
    """The signer's own title: the last title line, or the last title phrase of a merged line."""
    seg = _split_prefixes(last_line.strip())[-1]
    pm = _PREFIX.match(seg)
    body = seg[pm.end():].strip() if pm else seg.strip()
    matches = list(_TITLE_WORDS.finditer(body))
    if matches and (len(matches) > 1 or matches[0].start() > 0):
        return body[matches[-1].start():].strip()
    return body or None
