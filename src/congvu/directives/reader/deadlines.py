"""Deadlines as officials write them, at the precision written, and the instant they fall due.

``deadline`` is ISO at the precision stated:

=====================================  ====================  =====================================
text                                   ``deadline``          ``due_at`` (Asia/Ho_Chi_Minh, +07:00)
=====================================  ====================  =====================================
trước 07h00' ngày 28/3/2020            2020-03-28T07:00      2020-03-28T07:00:00+07:00
trước ngày 25/3/2020                   2020-03-25            2020-03-25T00:00:00+07:00 (start of day)
chậm nhất ngày / vào ngày / trong ngày 2020-03-25            2020-03-25T23:59:59+07:00 (end of day)
trong tháng 11/2020, tháng 11/2020     2020-11               2020-11-30T23:59:59+07:00 (end of month)
trước tháng 6/2025                     2025-06               2025-06-01T00:00:00+07:00
trong năm 2025, a table cell "2025"    2025                  2025-12-31T23:59:59+07:00
trong quý II/2025                      null                  2025-06-30T23:59:59+07:00
từ ngày 01/4/2020                      null (``begins``)     null
hằng tháng, Thường xuyên               null (``recurring``)  null
=====================================  ====================  =====================================

A date without a year takes the document's year (the next year when that would fall before the
document's date).  Dates of cited documents ("Chỉ thị số 15/CT-TTg ngày 27/3/2020") are never
deadlines: a deadline needs its own word (trước, chậm nhất, vào, trong, hạn, hoàn thành).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from copy import copy
from dataclasses import dataclass
from functools import lru_cache

_DATE = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})(?:\s*[/.\-]\s*(?P<y>\d{4}))?(?![\d/])"
_DATE_W = r"(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s*(?:,\s*)?năm\s+(?P<y2>\d{4}))?"
_TIME = r"(?P<hh>\d{1,2})\s*(?:h|giờ|g|:)\s*(?P<mm>\d{2})?\s*(?:'|’|′|phút)?"

_WITH_TIME = re.compile(
    rf"(?:(?:chậm nhất|hạn chót|hạn cuối)\s+(?:là\s+)?(?:trước\s+|vào\s+|lúc\s+)?|trước\s+|vào\s+(?:lúc\s+)?|lúc\s+)"
    rf"{_TIME}\s*,?\s*(?:(?:thứ\s+\S+|chủ nhật)\s*,?\s*)?(?:ngày\s+)?(?:{_DATE}|{_DATE_W})",
    re.IGNORECASE,
)
_ON_DATE = re.compile(
    r"(?P<kw>(?:chậm nhất|hạn chót|hạn cuối)\s+(?:là\s+)?(?:trước\s+)?(?:ngày\s+)?|trước\s+ngày\s+"
    r"|trước\s+(?=\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2}(?![\d/])\s*(?:[.,;)]|$|(?:để|và|theo)\s))"
    r"|vào\s+ngày\s+|trong\s+ngày\s+|đến\s+hết\s+ngày\s+|hết\s+ngày\s+|xong\s+trước\s+ngày\s+)"
    rf"(?:{_DATE}|{_DATE_W})",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"(?P<kw>trong\s+|trước\s+|cuối\s+|vào\s+|hết\s+|hoàn thành\s+)?"
    r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:/|-|\s+năm\s+|\s*,\s*năm\s+)\s*(?P<y>\d{4}))?(?![\d/])",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"(?P<kw>trong\s+năm|trong\s+cả\s+năm)\s+(?P<y>\d{4})(?![\d/])",
    re.IGNORECASE)
_QUARTER = re.compile(r"(?:trong\s+|trước\s+|cuối\s+)?quý\s+(?P<q>IV|I{1,3}|[1-4])"
                      r"(?:\s*(?:/|năm|-)\s*(?P<y>\d{4}))?(?![\w/])",
                      re.IGNORECASE)
_START = re.compile(rf"(?:bắt đầu\s+)?từ\s+ngày\s+(?:{_DATE}|{_DATE_W})", re.IGNORECASE)
_RECURRING = re.compile(
    r"(?:(?:trước|vào|chậm nhất)\s+ngày\s+\d{1,2}\s+(?:của\s+)?(?:hằng|hàng)\s+(?:tháng|quý|năm|tuần)"
    r"|định kỳ\s+(?:(?:hằng|hàng)\s+)?(?:tháng|quý|năm|tuần|6 tháng)"
    r"|(?:(?:trước|vào|lúc)\s+\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?\s*(?:phút\s+)?(?:ngày\s+)?"
    r"(?:thứ\s+\S+|chủ nhật)\s+(?:hằng|hàng)\s+tuần)"
    r"|(?:vào\s+(?:(?:sáng|chiều|tối)\s+)?(?:thứ\s+\S+|chủ nhật)\s+)?(?:hằng|hàng)\s+tuần(?=[\s.,;)])"
    r"|(?:hằng|hàng)\s+(?:tháng|quý|tuần)\s*(?:,|\(|trước|vào)"
    r"|^\s*(?:hằng|hàng)\s+(?:ngày|tháng|quý|tuần|năm)\b"
    # "… báo cáo UBND tỉnh hằng tháng.", "báo cáo … tình hình … hằng ngày trong thời gian nghỉ Tết"
    r"|(?<=\s)(?:hằng|hàng)\s+(?:ngày|tháng|quý|tuần)(?=\s*(?:[.;]|$|trong thời gian|trong suốt))"
    r"|(?:trước|vào|lúc)\s+\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?\s*(?:phút\s+)?(?:hằng|hàng)\s+ngày)",
    re.IGNORECASE,
)
_CELL_RECURRING = re.compile(r"^(?:thường xuyên|hằng|hàng|định kỳ|liên tục|cả năm|năm\s+\d{4}\s*-\s*\d{4}).*",
                             re.IGNORECASE)
_CELL_YEAR = re.compile(r"^(?:năm\s+)?(?P<y>\d{4})\.?$", re.IGNORECASE)
_CELL_DATE = re.compile(rf"^(?:ngày\s+)?{_DATE}\.?$", re.IGNORECASE)

# Every deadline form has one of these; text without them is skipped at once.
_QUICK = re.compile(r"(?:[Tt]rước|[Cc]hậm nhất|[Hh]ạn|[Vv]ào|[Tt]rong|[Cc]uối|[Hh]ết|[Tt]ừ|[Ll]úc|[Qq]uý)\s+"
                    r"(?:\d|ngày|[Tt]háng|[Nn]ăm|[Qq]uý|lúc|sáng|chiều|Tết|tết)"
                    r"|[Hh]ằng|[Hh]àng|[Đđ]ịnh kỳ|kỳ họp|[Qq]uý\s|Tết|^\s*(?:\d|[Nn]ăm|[Tt]háng|[Qq]uý)"
                    r"|[Tt]rong\s+(?:thời\s+hạn|vòng)|Thời hạn|Thời gian|Hạn hoàn thành|Tiến độ")
_LABELLED = re.compile(r"(?:Thời hạn|Thời gian hoàn thành|Hạn hoàn thành|Thời gian thực hiện|Tiến độ)\s*:\s*"
                       r"(?P<v>[^.;\n]{2,60})")
_TARGET = re.compile(r"\b(?:đạt|phấn đấu|tỷ lệ|tỉ lệ|chỉ tiêu|mục tiêu)\b", re.IGNORECASE)
_EVENT = re.compile(r"tại\s+kỳ\s+họp\s+[^.;,]{3,60}"
                    r"|trong\s+(?:thời\s+hạn\s+|vòng\s+)?\d{1,3}\s+ngày(?:\s+làm\s+việc)?(?:\s+kể\s+từ\s+[^.;]{3,80})?|trước\s+(?:Tết|tết)(?:\s+Nguyên\s+đán|\s+Dương\s+lịch)?"
                    r"(?:\s+(?:Giáp|Ất|Bính|Đinh|Mậu|Kỷ|Canh|Tân|Nhâm|Quý)\s+[A-ZĐ]\w+)?(?:\s+\d{4})?")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
TZ = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Deadline:
    deadline: str | None
    text: str | None
    due_at: str | None = None
    begins: str | None = None
    recurring: str | None = None
    start: int = -1
    end: int = -1


def _year(raw: str | None, month: int, day: int, doc_date: dt.date | None, fallback_year: int | None) -> int | None:
    if raw:
        return int(raw)
    if doc_date:
        year = doc_date.year
        try:
            if dt.date(year, month, day) < doc_date - dt.timedelta(days=31):
                year += 1
        except ValueError:
            return year
        return year
    return fallback_year


def _iso(t: dt.datetime) -> str:
    return t.replace(tzinfo=TZ).isoformat()


def _end_of_day(d: dt.date) -> str:
    return _iso(dt.datetime(d.year, d.month, d.day, 23, 59, 59))


def _end_of_month(y: int, m: int) -> str:
    return _iso(dt.datetime(y, m, calendar.monthrange(y, m)[1], 23, 59, 59))


def _date_groups(m: re.Match) -> tuple[str, str, str | None]:
    if m.group("d") is not None:
        return m.group("d"), m.group("m"), m.group("y")
    return m.group("d2"), m.group("m2"), m.group("y2")


def find(text: str, *, doc_date: dt.date | None = None, fallback_year: int | None = None) -> Deadline:
    """The deadline of a task's text (the first one written), or an empty :class:`Deadline`."""
    if not _QUICK.search(text):
        return Deadline(None, None, None)
    return copy(_find(text, doc_date, fallback_year))


def clear_cache() -> None:
    _find.cache_clear()


@lru_cache(maxsize=1024)
def _find(text: str, doc_date: dt.date | None, fallback_year: int | None) -> Deadline:
    # the earliest deadline written wins: for each form only its first valid match can, so each loop stops there
    found: list[tuple[int, Deadline]] = []
    for m in _LABELLED.finditer(text):
        # "Thời hạn: Tháng 9/2025" — written like a table cell
        cell = from_cell(m.group("v").strip(), doc_date=doc_date, fallback_year=fallback_year)
        if cell.deadline or cell.due_at:
            v = m.start("v") + len(m.group("v")) - len(m.group("v").lstrip())
            cell.start, cell.end = v, v + len(cell.text)
            found.append((m.start(), cell))
            break
    for m in _WITH_TIME.finditer(text):
        d, mo, y = _date_groups(m)
        year = _year(y, int(mo), int(d), doc_date, fallback_year)
        hh, mm = int(m.group("hh")), int(m.group("mm") or 0)
        if hh > 24 or mm > 59:
            continue
        if year is None:  # no year anywhere: the words stay, the date is never guessed
            found.append((m.start(), Deadline(None, m.group(), None, start=m.start(), end=m.end())))
            break
        try:
            when = dt.datetime(year, int(mo), int(d), min(hh, 23), mm)
        except ValueError:
            continue
        found.append((m.start(), Deadline(f"{when:%Y-%m-%dT%H:%M}", m.group(), _iso(when), start=m.start(),
                                          end=m.end())))
        break
    for m in _ON_DATE.finditer(text):
        if any(s <= m.start() < x.end for s, x in found):
            continue
        d, mo, y = _date_groups(m)
        year = _year(y, int(mo), int(d), doc_date, fallback_year)
        if year is None:
            found.append((m.start(), Deadline(None, m.group(), None, start=m.start(), end=m.end())))
            break
        try:
            day = dt.date(year, int(mo), int(d))
        except ValueError:
            continue
        kw = m.group("kw").lower()
        due = _iso(dt.datetime(day.year, day.month, day.day)) if "trước" in kw else _end_of_day(day)
        found.append((m.start(), Deadline(day.isoformat(), m.group(), due, start=m.start(), end=m.end())))
        break
    for m in _MONTH.finditer(text):
        if any(s <= m.start() < x.end for s, x in found):
            continue
        kw = (m.group("kw") or "").lower().strip()
        if not kw:
            continue
        month = int(m.group("m"))
        year = int(m.group("y")) if m.group("y") else _year(None, month, 28, doc_date, fallback_year)
        if not 1 <= month <= 12 or year is None:
            continue
        due = _iso(dt.datetime(year, month, 1)) if kw.startswith("trước") else _end_of_month(year, month)
        found.append((m.start(), Deadline(f"{year:04d}-{month:02d}", m.group(), due, start=m.start(), end=m.end())))
        break
    for m in _YEAR.finditer(text):
        back = max(0, m.start() - 200)
        clause = text[max(text.rfind(";", back, m.start()), text.rfind(".", back, m.start()), back):m.start()]
        if _TARGET.search(clause):
            continue  # "đạt trên 50% trong năm 2025" names a target, not a deadline
        year = int(m.group("y"))
        found.append((m.start(), Deadline(f"{year:04d}", m.group(), _iso(dt.datetime(year, 12, 31, 23, 59, 59)),
                                          start=m.start(), end=m.end())))
        break
    for m in _QUARTER.finditer(text):
        q = m.group("q").upper()
        quarter = _ROMAN.get(q) or int(q)
        year = int(m.group("y")) if m.group("y") else (doc_date.year if doc_date else fallback_year)
        if year is None:
            continue
        found.append((m.start(), Deadline(None, m.group(), _end_of_month(year, quarter * 3), start=m.start(),
                                          end=m.end())))
        break
    begins = None
    sm = _START.search(text)
    if sm:
        d, mo, y = _date_groups(sm)
        year = _year(y, int(mo), int(d), doc_date, fallback_year)
        if year:
            try:
                begins = dt.date(year, int(mo), int(d)).isoformat()
            except ValueError:
                begins = None
    if found:
        found.sort(key=lambda x: x[0])
        result = found[0][1]
        result.begins = begins
        return result
    em = _EVENT.search(text)
    rm = _RECURRING.search(text)
    if em and not rm:
        return Deadline(None, em.group().rstrip(), None, begins=begins, start=em.start(), end=em.end())
    if rm:
        phrase = rm.group().rstrip(" ,(")
        for word in (" trước", " vào"):
            if phrase.lower().endswith(word):
                phrase = phrase[: -len(word)]
        return Deadline(None, phrase, None, begins=begins, recurring=phrase, start=rm.start(),
                        end=rm.start() + len(phrase))
    return Deadline(None, None, None, begins=begins)


def from_cell(cell: str, *, doc_date: dt.date | None = None, fallback_year: int | None = None) -> Deadline:
    """The deadline written in a table cell ("2025", "Tháng 6/2025", "Trước ngày 30/6/2025", "Thường xuyên")."""
    text = cell.strip()
    if not text or text in ("-", "–"):
        return Deadline(None, None)
    m = _CELL_YEAR.match(text)
    if m:
        y = int(m.group("y"))
        return Deadline(f"{y:04d}", text, _iso(dt.datetime(y, 12, 31, 23, 59, 59)))
    m = _CELL_DATE.match(text)
    if m:
        year = _year(m.group("y"), int(m.group("m")), int(m.group("d")), doc_date, fallback_year)
        try:
            day = dt.date(year, int(m.group("m")), int(m.group("d"))) if year else None
        except ValueError:
            day = None
        if day:
            return Deadline(day.isoformat(), text, _end_of_day(day))
    m = _MONTH.search(text)
    if m and m.start() == 0 or (m and text.lower().startswith(("trong", "trước", "cuối", "hoàn thành"))):
        month = int(m.group("m"))
        year = int(m.group("y")) if m.group("y") else _year(None, month, 28, doc_date, fallback_year)
        if 1 <= month <= 12 and year:
            kw = (m.group("kw") or "").lower()
            due = _iso(dt.datetime(year, month, 1)) if kw.startswith("trước") else _end_of_month(year, month)
            return Deadline(f"{year:04d}-{month:02d}", text, due)
    inner = find(text, doc_date=doc_date, fallback_year=fallback_year)
    if inner.deadline or inner.due_at:
        inner.text = text
        inner.start = inner.end = -1
        return inner
    if _CELL_RECURRING.match(text):
        return Deadline(None, text, None, recurring=text)
    return Deadline(None, text, None)
