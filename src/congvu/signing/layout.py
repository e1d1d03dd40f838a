"""Where things go on the page: found from the PDF's text layer (pdfminer.six), no Django.

Decree 30 (Appendix I) puts the number "Số: …" (box 3) and the place/date line (box 4) at the top
of page 1, and the signature block (authority line, title, signature, name — boxes 7a–7c) after
the content, the organisation's seal (box 8) over the left third of the person's signature.
We search the text for those lines; when a line is not found the caller's fallback box is used.
Coordinates are PDF points, origin bottom-left: ``(x1, y1, x2, y2)``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from congvu.core.text import fold

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x1: float
    y1: float
    x2: float
    y2: float
    size: float
    page_width: float
    page_height: float

    @property
    def box(self) -> Box:
        return (self.x1, self.y1, self.x2, self.y2)


@dataclass(frozen=True)
class Place:
    page: int
    box: Box
    found: bool = True
    font_size: float = 13.0
    text: str = ""


def page_count(pdf: bytes) -> int:
    from pdfminer.pdfpage import PDFPage

    try:
        return sum(1 for _ in PDFPage.get_pages(io.BytesIO(pdf)))
    except Exception:  # noqa: BLE001 - an unreadable text layer only means "use the fallback boxes"
        return 0


def text_lines(pdf: bytes, pages: list[int] | None = None) -> list[Line]:
    """Text lines (0-based page index) with their boxes and mean glyph size ([] when unreadable)."""
    try:
        return _text_lines(pdf, pages)
    except Exception:  # noqa: BLE001 - pdfminer's many parser errors: fall back to configured boxes
        return []


def _text_lines(pdf: bytes, pages: list[int] | None) -> list[Line]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    lines: list[Line] = []
    params = LAParams(line_margin=0.3, char_margin=3.0)
    for index, layout in enumerate(extract_pages(io.BytesIO(pdf), page_numbers=pages, laparams=params)):
        page_no = pages[index] if pages is not None else index
        for element in layout:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                if not isinstance(line, LTTextLine):
                    continue
                text = line.get_text().strip()
                if not text:
                    continue
                sizes = [c.size for c in line if isinstance(c, LTChar)]
                size = sum(sizes) / len(sizes) if sizes else 12.0
                lines.append(Line(page_no, text, line.x0, line.y0, line.x1, line.y1, size,
                                  layout.width, layout.height))
    return lines


_NUMBER_RE = re.compile(r"^so\s*:")
_DATE_WORDS = ("ngay", "thang", "nam")


def find_number_line(lines: list[Line]) -> Line | None:
    """The "Số: …/…" line in the top half of page 1."""
    for line in lines:
        if line.page == 0 and line.y1 > line.page_height * 0.5 and _NUMBER_RE.match(fold(line.text)):
            return line
    return None


def find_date_line(lines: list[Line]) -> Line | None:
    """The "<place>, ngày … tháng … năm …" line in the top half of page 1."""
    for line in lines:
        folded = fold(line.text)
        if line.page == 0 and line.y1 > line.page_height * 0.5 and all(w in folded for w in _DATE_WORDS) \
                and not _NUMBER_RE.match(folded):
            return line
    return None


def find_signer_name(lines: list[Line], name: str) -> Line | None:
    """The last line that is the signer's full name (diacritics- and case-insensitive)."""
    wanted = fold(name).strip()
    if not wanted:
        return None
    for line in reversed(lines):
        if fold(line.text).strip() == wanted:
            return line
    return None


def signature_place(pdf: bytes, signer_name: str, *, fallback: tuple[int, Box],
                    width: float = 130.0, max_height: float = 75.0) -> Place:
    """Box for the person's signature image: centred between the title line and the name (box 7c)."""
    n_pages = page_count(pdf)
    if n_pages == 0:
        return Place(page=0, box=fallback[1], found=False)
    last_pages = list(range(max(0, n_pages - 2), n_pages))
    lines = text_lines(pdf, last_pages)
    name_line = find_signer_name(lines, signer_name)
    if name_line is None:
        page, box = fallback
        return Place(page=page if page >= 0 else n_pages + page, box=box, found=False)
    above = [ln for ln in lines if ln.page == name_line.page and ln.y1 > name_line.y2 + 2
             and ln.x1 < name_line.x2 + 40 and ln.x2 > name_line.x1 - 40]
    nearest = min(above, key=lambda ln: ln.y1 - name_line.y2, default=None)
    bottom = name_line.y2 + 2
    top = min(nearest.y1 - 2, bottom + max_height) if nearest is not None \
        and nearest.y1 - name_line.y2 < 200 else bottom + max_height
    if top - bottom < 30:  # no room: overlap upwards a little rather than draw a sliver
        top = bottom + 40
    centre = (name_line.x1 + name_line.x2) / 2
    return Place(page=name_line.page, box=(centre - width / 2, bottom, centre + width / 2, top),
                 found=True, font_size=name_line.size, text=name_line.text)


def seal_place(signature: Place, *, diameter: float = 105.0, text_height: float = 26.0) -> Place:
    """Box for the organisation's stamp: the seal over the left third of the signature image."""
    x1, y1, x2, y2 = signature.box
    covered = (x2 - x1) / 3
    right = x1 + covered + 4
    centre_y = (y1 + y2) / 2
    seal_bottom = centre_y - diameter / 2
    return Place(page=signature.page,
                 box=(right - diameter - 20, seal_bottom - text_height, right + 20, seal_bottom + diameter),
                 found=signature.found)


def number_date_places(pdf: bytes, *, number_fallback: tuple[int, Box], date_fallback: tuple[int, Box]
                       ) -> tuple[Place, Place]:
    """Boxes covering the "Số:" line and the date line of page 1 (or the fallbacks)."""
    lines = text_lines(pdf, [0])
    number = find_number_line(lines)
    date = find_date_line(lines)

    def place(line: Line | None, fallback: tuple[int, Box], left: float, right: float) -> Place:
        if line is None:
            return Place(page=fallback[0], box=fallback[1], found=False)
        return Place(page=0, box=(line.x1 - left, line.y1 - 2, line.x2 + right, line.y2 + 1), found=True,
                     font_size=round(line.size, 1), text=line.text)

    return place(number, number_fallback, 1, 30), place(date, date_fallback, 20, 20)
