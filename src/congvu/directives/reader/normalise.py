"""Clean text with a map back to the source, lines, and paragraph units.

The reader works on a *clean* copy of the source text: markdown ``*``/``**`` removed, runs of
horizontal white space collapsed to one space, lines trimmed.  Line breaks are kept, so the
clean text still has the document's line structure.  :class:`Clean` remembers where each run of
clean characters came from, so any span of the clean text maps back to offsets in the source
(the NFC text the caller passed in) — that is how tasks carry ``start``/``end`` offsets the UI can
highlight.

Units are the paragraphs of the body after undoing hard line breaks and page-break debris: a
bullet, a numbered item, a table row, or a plain paragraph.  Each carries its marker (``-``,
``+``, ``1.``, ``a)``, ``I.``, ``Điều 1.``) and a list of segments mapping unit text back to clean
offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .agencies import _UP

_TOKEN = re.compile(r"[^\s*\u200b\ufeff]+")
_IRREGULAR = re.compile(r"[^\S ]|  |[\u200b\ufeff]")


class Clean:
    """The clean text and its map to source offsets."""

    __slots__ = ("text", "gaps", "_cpos", "_spos", "_source_len")

    def __init__(self, source: str) -> None:
        out: list[str] = []
        cpos: list[int] = []
        spos: list[int] = []
        n = 0
        offset = 0
        self.gaps: list[int] = []  # clean offsets of spaces standing for a wide gap (layout columns)
        for raw in source.split("\n"):
            if offset:
                out.append("\n")
                cpos.append(n)
                spos.append(offset - 1)
                n += 1
            stripped = raw.strip()
            if stripped and "*" not in stripped and not _IRREGULAR.search(stripped):
                # the common case: the line is clean once trimmed
                cpos.append(n)
                spos.append(offset + raw.index(stripped[0]))
                out.append(stripped)
                n += len(stripped)
            elif stripped:
                n = self._tokens(raw, offset, out, cpos, spos, n)
            offset += len(raw) + 1
        self.text = "".join(out)
        self._cpos = cpos
        self._spos = spos
        self._source_len = len(source)

    def _tokens(self, source: str, base: int, out: list[str], cpos: list[int], spos: list[int], n: int) -> int:
        prev_end = 0
        line_start = True
        for m in _TOKEN.finditer(source):
            tok = m.group()
            gap = source[prev_end:m.start()]
            if not line_start and gap.strip("*"):
                if "\t" in gap or "    " in gap:
                    self.gaps.append(n)
                out.append(" ")
                n += 1
            cpos.append(n)
            spos.append(base + m.start())
            out.append(tok)
            n += len(tok)
            line_start = False
            prev_end = m.end()
        return n

    def source_offset(self, i: int) -> int:
        """Source offset of clean offset ``i``."""
        if not self._cpos:
            return 0
        k = bisect_right(self._cpos, i) - 1
        if k < 0:
            return self._spos[0]
        return min(self._spos[k] + (i - self._cpos[k]), self._source_len)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.source_offset(start)
            return s, s
        return self.source_offset(start), self.source_offset(end - 1) + 1


_MD_HEADING = re.compile(r"#{1,6}\s+")


@dataclass
class Line:
    text: str
    start: int  # clean offset
    index: int
    gaps: tuple[int, ...] = ()  # offsets in ``text`` of spaces that stood for a wide gap


def lines_of(clean: Clean) -> list[Line]:
    result = []
    pos = 0
    gaps = clean.gaps
    k = 0
    for i, text in enumerate(clean.text.split("\n")):
        end = pos + len(text)
        mine = []
        while k < len(gaps) and gaps[k] < end:
            if gaps[k] >= pos:
                mine.append(gaps[k] - pos)
            k += 1
        skip = 0
        if text.startswith("#"):
            m = _MD_HEADING.match(text)  # markdown heading marks of portal copies
            skip = m.end() if m else 0
        result.append(Line(text[skip:], pos + skip, i, tuple(g - skip for g in mine if g >= skip)))
        pos = end + 1
    return result


# cell borders, and the "<br>" line breaks inside the cells of markdown tables copied from portals
_CELL_CUT = re.compile(r"^\| ?| \| |(?<=\S) ?\|$| ?<br\s*/?> ?")


def cells_of(line: Line) -> list[Line]:
    """A line split into its columns: DOCX table cells (" | ") and layout columns (wide gaps)."""
    text = line.text
    if not line.gaps and "|" not in text and "<br" not in text:
        return [line]
    cuts: list[tuple[int, int]] = []
    start = 0
    for m in _CELL_CUT.finditer(text):
        cuts.append((m.start(), m.end()))
    for g in line.gaps:
        left, right = text[:g].rstrip(), text[g + 1:].lstrip()
        if left.endswith(("Số:", "Số", "ngày", "tháng")) or right.startswith(("/", "tháng", "năm")):
            continue  # a blank left in a draft ("Số:      /UBND-VP", "ngày    tháng    năm 2025"), not a column
        cuts.append((g, g + 1))
    if not cuts:
        return [line]
    cuts.sort()
    out = []
    for s, e in cuts:
        if s >= start:
            piece = text[start:s]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(Line(piece.strip(), line.start + start + lead, line.index))
            start = e
    piece = text[start:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        out.append(Line(piece.strip(), line.start + start + lead, line.index))
    return out or [line]


# --- page debris and web chrome ------------------------------------------------------------------

_DEBRIS = re.compile(
    r"^(?:[-–—]?\s*\d{1,3}\s*[-–—]?|Trang\s+\d+(?:\s*/\s*\d+)?|Page\s+\d+(?:\s+of\s+\d+)?|\d{1,3}\s*/\s*\d{1,3}"
    r"|[.·•_=~\-–—\s]+|\f)$",
    re.IGNORECASE,
)
_CHROME = re.compile(
    r"^(?:Print|In|In bài|In trang|Gốc|Bản in|Tin khác|Tin liên quan|Các tin khác|Tin cùng chuyên mục|Bài viết khác"
    r"|QR Code.*|QR CODE.*|Mã QR.*|Quét mã QR.{0,80}"
    r"|Tiện ích thông tin|Nguồn tin|Nguồn:.{0,80}|Chúng tôi trên Mạng Xã hội"
    r"|Chia sẻ.{0,40}|Share|Tweet|Facebook|Zalo|Bình luận.{0,40}|Lượt xem.{0,40}|Trang chủ.{0,120}"
    r"|Xem thêm.{0,80}|Tài liệu đính kèm.{0,120}|Tải về.{0,80}|File đính kèm.{0,120}|Tệp đính kèm.{0,120}"
    r"|Đọc tiếp|Quay lại|Về đầu trang|Gửi email|Gửi bài viết|Cỡ chữ.{0,40}|Xem với cỡ chữ.{0,20}|Tags?:.{0,200}"
    r"|Từ khóa:.{0,200}"
    r"|Print\s.{0,60}|(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật),\s*\d{1,2}/\d{1,2}/\d{4}.{0,40})$",
)


def is_debris(text: str) -> bool:
    return not text or bool(_DEBRIS.match(text))


def is_chrome(text: str) -> bool:
    return bool(_CHROME.match(text))


# --- units ---------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"^(?:"
    r"(?P<part>(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+(?:[IVXLC]+|\d+)\b[.:]?)"
    r"|(?P<dieu>Điều\s+\d+[a-z]?\s*[.:])"
    r"|(?P<roman>[IVX]{1,5}\s*[.)/])"
    r"|(?P<n3>\d{1,2}\.\d{1,2}\.\d{1,2}\.?)"
    r"|(?P<n2>\d{1,2}\.\d{1,2}\.?)(?=\s)"
    r"|(?P<n1>\d{1,2}\s*[.)](?!\d))"
    r"|(?P<letter>[a-zđ]\s*\))"
    r"|(?P<dash>[-–—](?=\s|[^\W\d_]))"
    r"|(?P<plus>\+)"
    r"|(?P<dot>[•●▪◦·∙○■□❖➢►])"
    r")\s*"
)

_TERMINAL = tuple(".;:!?")
_ITEM_DETAIL = re.compile(r"(?:Thời hạn|Thời gian hoàn thành|Thời gian thực hiện|Hạn hoàn thành|Tiến độ|Sản phẩm"
                          r"|Cơ quan phối hợp|Đơn vị phối hợp)\s*:")
_OWN_LINE = re.compile(r"(?:Trân trọng|Nơi nhận|Kính gửi|Trên đây|Yêu cầu|Đề nghị|Giao)\b")
_UPPER_OR_QUOTE = re.compile(rf"[{_UP}\"“'(\[]")
_CONNECT_END = re.compile(
    r"(?:,|-|–|\b(?:và|với|của|các|cho|tại|theo|để|về|trên|trong|được|là|những|từ|đến|khi|hoặc|hay))$")


def marker_of(text: str) -> tuple[str | None, str, int]:
    """(marker kind, marker text, length of marker incl. spaces)."""
    m = _MARKER.match(text)
    if not m or m.end() >= len(text):
        return None, "", 0
    kind = m.lastgroup
    if kind == "roman" and not re.match(r"[IVX]{1,5}\s*[.)/]\s+\S", text):
        return None, "", 0
    if kind in ("n1", "n2", "n3", "letter", "roman") and not _UPPER_OR_QUOTE.match(text, m.end()):
        return None, "", 0  # "(cấp độ 3, cấp độ\n4); yêu cầu …" is a wrapped line, not item 4
    return kind, m.group(kind), m.end()


def is_table_row(text: str) -> bool:
    return text.count("|") >= 2 or (" | " in text)


_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


@dataclass
class Unit:
    text: str
    kind: str | None  # marker kind, "table" or None (plain paragraph)
    marker: str
    segments: list[tuple[int, int]] = field(default_factory=list)  # (unit offset, clean offset)
    first_line: int = 0
    last_line: int = 0
    _starts: list[int] | None = None

    def clean_offset(self, i: int) -> int:
        if len(self.segments) == 1:
            u, c = self.segments[0]
            return c + (i - u)
        if self._starts is None or len(self._starts) != len(self.segments):
            self._starts = [u for u, _c in self.segments]
        k = max(bisect_right(self._starts, i) - 1, 0)
        u, c = self.segments[k]
        return c + (i - u)


_SPLIT_GLUED = re.compile(rf"(?<=[:;.])\s+(?=(?:[-+•]\s+|\d{{1,2}}\.\s+)[{_UP}])")


def _explode(lines: list[Line]) -> list[Line]:
    """Split lines where a bullet or number is glued after ':' ';' '.' (portal copies)."""
    out: list[Line] = []
    for line in lines:
        if is_table_row(line.text) or len(line.text) < 8:
            out.append(line)
            continue
        parts = list(_SPLIT_GLUED.finditer(line.text))
        if not parts:
            out.append(line)
            continue
        prev = 0
        for m in parts:
            out.append(Line(line.text[prev:m.start()], line.start + prev, line.index))
            prev = m.end()
        out.append(Line(line.text[prev:], line.start + prev, line.index))
    return out


def _wrap_width(lines: list[Line]) -> int:
    """Width of hard-wrapped text, or 0 when lines are paragraphs (web, DOCX)."""
    lengths = sorted(len(x.text) for x in lines if len(x.text) > 30 and not is_table_row(x.text))
    if len(lengths) < 6:
        return 0
    width = lengths[int(len(lengths) * 0.9) - 1]
    if width > 130 or width < 40:
        return 0
    near = sum(1 for n in lengths if n >= 0.75 * width)
    return width if near >= 0.6 * len(lengths) else 0


def units_of(lines: list[Line]) -> list[Unit]:
    """Join lines into paragraph units (hard line breaks and page debris undone)."""
    lines = _explode(lines)
    width = _wrap_width(lines)
    units: list[Unit] = []
    cur: list[Line] = []
    blank = False
    held: list[Line] = []  # debris/chrome lines since the last text line (kept if the paragraph continues)

    def flush():
        nonlocal cur
        if cur:
            text_parts = []
            segments = []
            pos = 0
            for ln in cur:
                if text_parts:
                    pos += 1
                segments.append((pos, ln.start))
                text_parts.append(ln.text)
                pos += len(ln.text)
            text = " ".join(text_parts)
            kind, marker, mlen = marker_of(text)
            if kind is None and is_table_row(text):
                kind = "table"
            units.append(Unit(text, kind, marker, segments, cur[0].index, cur[-1].index))
            if mlen:
                units[-1].text = text[mlen:]
                units[-1].segments = _shift(segments, mlen)
        cur = []

    for line in lines:
        text = line.text
        if not text:
            blank = True
            continue
        if is_debris(text) or is_chrome(text):
            blank = True
            if cur and text.strip(" .-–—_=~·•") :
                held.append(line)
            continue
        if _TABLE_SEP.match(text):
            continue
        if is_table_row(text):
            flush()
            cur = [line]
            flush()
            blank = False
            held = []
            continue
        if not cur:
            cur = [line]
            blank = False
            continue
        prev = cur[-1].text
        kind, _m, _l = marker_of(text)
        join = False
        if kind is None and _ITEM_DETAIL.match(text) and not prev.endswith(":"):
            join = True  # "Thời hạn: trước ngày …" / "Sản phẩm: …" under an item belongs to that item
        elif kind is None:
            first = text[0]
            starts_lower = first.islower() or first.isdigit() or (first in "(,;" and not blank)
            ends_term = prev.endswith(_TERMINAL) or prev.endswith("./.")
            if blank:
                join = not ends_term and (starts_lower or bool(_CONNECT_END.search(prev)))
            elif starts_lower:
                join = not prev.endswith(":")
            elif not ends_term:
                join = not _is_upper_line(prev) or _is_upper_line(text)
            elif width and len(prev) >= 0.9 * width and not prev.endswith(":") and not _OWN_LINE.match(text):
                join = True
        if join:
            cur.extend(held)
            cur.append(line)
        else:
            flush()
            cur = [line]
        held = []
        blank = False
    flush()
    return units


def _shift(segments: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Drop the first ``n`` characters of a unit's text from its segment map."""
    out = []
    for u, c in segments:
        if u + 0 < n:
            # segment starts inside the removed prefix: move its start
            out.append((0, c + (n - u)))
        else:
            out.append((u - n, c))
    # keep only the last segment that starts at 0 among leading ones
    while len(out) > 1 and out[1][0] <= 0:
        out.pop(0)
    return out
