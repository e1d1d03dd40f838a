"""The document reader: metadata and assigned tasks out of an administrative document.

Pure Python, no Django.  Two stable entry points, used by the CLI (``congvu extract``), the API
(``POST /api/v1/directives/extract``) and the documents app (prefilling incoming documents)::

    extract(text: str, *, agencies: list[str] | None = None, today: date | None = None) -> dict
    extract_file(data: bytes, **kw) -> dict        # text, PDF (text layer) or DOCX via core.filetext

Both return the label schema of ``shared/corpus`` (see ``README.md`` there)::

    {"document": {"number", "symbol", "type", "place", "date", "subject", "signer", "signer_title",
                  "authority", "recipients": [str]},
     "tasks": [{"lead", "coordinators": [str], "action", "deadline", "deadline_text", "report_to",
                "implicit_lead": bool, "lead_aliases": [str],
                # extra fields
                "due_at",      # ISO instant (+07:00) the task falls due, see reader.deadlines
                "begins",      # ISO date of "từ ngày …" (a start, not a deadline)
                "recurring",   # "hằng tháng", "Thường xuyên" … (a recurring period, not a deadline)
                "start", "end"  # offsets of the action in the text (see below)
               }]}

Every string value occurs in the text once markdown ``*``/``**`` are removed and white space is
collapsed; strings are NFC; a value the text does not state is ``null`` (``[]`` for lists).

``start``/``end`` index the text *as normalised by* :func:`congvu.core.text.repair` (NFC, ``\\r\\n``
→ ``\\n``, legacy TCVN3/VNI converted) — for files, the text :func:`congvu.core.filetext.text_of`
returns, which is already normalised.

``agencies`` are extra known agency names and short names (the organisation's agencies); they are
matched whole, so words inside them are never read as verbs.  ``today`` supplies the year for a
deadline without one when the document itself has no date.

Input larger than :data:`MAX_CHARS` is refused with :class:`ExtractError` (code ``too_large``): no
administrative document is that long, and the reader's time is linear in the text length.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from congvu.core.filetext import FileTextError
from congvu.core.text import repair

from .reader import agencies as _agencies
from .reader import deadlines as _deadlines
from .reader.metadata import read_header
from .reader.normalise import Clean, Line, lines_of, units_of
from .reader.tasks import Reader

__all__ = ["extract", "extract_file", "ExtractError", "MAX_CHARS", "MAX_FILE_BYTES"]

# 2 million characters: some 600 pages of text.  Longer input is refused.
MAX_CHARS = 2_000_000
# Files (PDF/DOCX may carry images) up to 50 MB are parsed for their text.
MAX_FILE_BYTES = 50 * 1024 * 1024


class ExtractError(FileTextError):
    """The input cannot be read.  ``code`` is stable, ``message`` is Vietnamese for a person (the same
    contract as :class:`congvu.core.filetext.FileTextError`, whose codes a file's errors keep)."""


def prepare(text: str) -> str:
    """The text the reader works on (and that task offsets index): NFC, legacy encodings repaired."""
    if not isinstance(text, str):
        raise ExtractError("invalid", "Nội dung văn bản phải là chuỗi ký tự.")
    if len(text) > MAX_CHARS:
        raise ExtractError("too_large", f"Văn bản quá dài (tối đa {MAX_CHARS:,} ký tự).".replace(",", "."))
    if _CLEAN_ENOUGH(text):
        return text
    return repair(text)


_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_VIET = re.compile(r"[\u1ea0-\u1ef9ơưđăĩũƠƯĐĂĨŨ]")


def _CLEAN_ENOUGH(text: str) -> bool:
    """Already NFC, no control characters, and plainly Unicode Vietnamese (no legacy encoding)."""
    if "\r" in text or _CTRL.search(text) or not unicodedata.is_normalized("NFC", text):
        return False
    sample = text[:20000]
    return len(_VIET.findall(sample)) >= max(20, len(sample) // 200)


def extract(text: str, *, agencies: list[str] | None = None, today: dt.date | None = None) -> dict:
    """Read the metadata and the tasks of an administrative document given as text."""
    source = prepare(text)
    # caches are per document (the benchmark repeats documents: no credit for having seen one before)
    _deadlines.clear_cache()
    _agencies.known_spans.cache_clear()
    if not source.strip():
        raise ExtractError("empty", "Văn bản rỗng.")
    clean = Clean(source)
    lines = lines_of(clean)
    header = read_header(lines)
    fallback_year = header.fallback_year
    if header.doc_date is None and fallback_year is None and today is not None:
        fallback_year = today.year
    skip = set(header.kinh_gui)
    body = [ln for ln in lines[header.body_start:header.body_end] if ln.index not in skip]
    if header.appendix is not None:
        body += [Line("", 0, -1)] + lines[header.appendix:]
    units = units_of(body)
    known = _agencies.known_regex(tuple(sorted({a.strip() for a in (agencies or []) if a and a.strip()})))
    reader = Reader(clean, known, header.doc_date, fallback_year)
    tasks = reader.read(units)
    return {"document": header.document, "tasks": tasks}


def extract_file(data: bytes, *, agencies: list[str] | None = None, today: dt.date | None = None) -> dict:
    """Read a file (plain text in any Vietnamese encoding, PDF with a text layer, DOCX)."""
    from congvu.core.filetext import FileTextError, text_of

    if not isinstance(data, (bytes, bytearray)):
        raise ExtractError("invalid", "Tệp phải là dữ liệu nhị phân.")
    try:
        text = text_of(bytes(data), max_text_bytes=MAX_CHARS * 4, max_file_bytes=MAX_FILE_BYTES)
    except FileTextError as exc:
        raise ExtractError(exc.code, exc.message) from None
    return extract(text, agencies=agencies, today=today)
