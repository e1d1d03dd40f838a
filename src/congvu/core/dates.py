"""Dates the way Vietnamese officials write them.  Pure Python.

Accepted (day first, as in Vietnam; never month first):

* ``2020-03-28`` (ISO), ``2020/03/28`` (edXML)
* ``28/3/2020``, ``28/03/2020``, ``28-3-2020``, ``28.3.2020``, ``28/3/20`` (two-digit
  years: 00–69 → 2000s, 70–99 → 1900s)
* ``ngày 28 tháng 3 năm 2020``, ``ngày 28/3/2020``, ``28 tháng 03 năm 2020``
* full-width digits, NFD text, non-breaking spaces, stray spaces around separators.

:func:`parse_date` raises :class:`DateParseError` (a ``ValueError``) with the example
form in its message.  :func:`format_date_line` writes the Decree 30 date line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["DateParseError", "parse_date", "format_date", "format_date_line"]


class DateParseError(ValueError):
    """The text is not a date in any accepted form."""


_NUMERIC = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,|\s)\s*(?:nam\s+)?(\d{4})$")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").casefold()
    text = re.sub(r"\s+", " ", text).strip().rstrip(".,;")
    return re.sub(r"^ngay\s+(?=\d{1,2}\s*[/\-.])", "", text)


def parse_date(text: str | dt.date) -> dt.date:
    """Parse a date written in any of the accepted forms."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if not isinstance(text, str):
        raise DateParseError(f"not a date: {text!r}")
    if len(text) > 64:
        raise DateParseError("date text is too long")
    cleaned = _clean(text)
    if not cleaned:
        raise DateParseError("empty date; write it as 25/03/2020 or 2020-03-25")
    year = month = day = None
    if match := _ISO.match(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC.match(cleaned):
        day, month = int(match.group(1)), int(match.group(2))
        raw_year = match.group(3)
        year = int(raw_year)
        if len(raw_year) == 2:
            year += 2000 if year < 70 else 1900
    elif match := _WORDS.match(cleaned):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise DateParseError(f"{text.strip()!r} is not a date; write it as 25/03/2020 or 2020-03-25")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(f"{text.strip()!r} is not a real calendar date") from None


def format_date(day: dt.date) -> str:
    """``dd/mm/yyyy`` as shown on every page."""
    return day.strftime("%d/%m/%Y")


def format_date_line(day: dt.date, place: str | None = None) -> str:
    """Decree 30, App. I II.4: ``Hà Nội, ngày 05 tháng 01 năm 2020``.

    Day below 10 and months 1 and 2 get a leading zero; other months do not.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    line = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {line}" if place else line
