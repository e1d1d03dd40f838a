"""Metadata pre-filled from a document's text, for the clerk to confirm.

Uses the document reader (``congvu.directives.extract.extract``) when it is installed, else a
small fallback that reads the "Số: N/SYMBOL" line, the "<place>, ngày d tháng m năm y" line,
the type name and the subject.  Both return the same keys; missing values are ``None``.
"""

from __future__ import annotations

import datetime as dt
import re

from congvu.core.dates import DateParseError, parse_date
from congvu.core.text import collapse_spaces, fold, normalize

from .constants import ABBR_TYPE, DOC_TYPES, TYPE_NAME

try:  # the reader of the extraction issue (optional)
    from congvu.directives.extract import extract
except ImportError:  # pragma: no cover - depends on what is installed
    extract = None

KEYS = ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority",
        "recipients", "issuer", "urgency", "confidentiality")

_NUMBER = re.compile(r"S[ốô]\s*:?\s*(\d{1,7})\s*/\s*([0-9A-Za-zĐđ][0-9A-Za-zĐđ\-/]*)", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"(?m)^\s*([^\n,]{2,80}?)\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TYPE_NAMES = sorted(((fold(name), code) for code, name, _ in DOC_TYPES), key=lambda x: -len(x[0]))
_URGENCY = [("hoa toc", 3), ("thuong khan", 2), ("khan", 1)]
_SECRECY = [("tuyet mat", 3), ("toi mat", 2), ("mat", 1)]


def fallback(text: str) -> dict:
    """Regex reading of the first page: number/symbol, place/date, type, subject, marks."""
    text = normalize(text)[:20000]
    out: dict = dict.fromkeys(KEYS)
    head = text[:4000]
    if m := _NUMBER.search(head):
        out["number"] = int(m.group(1))
        out["symbol"] = m.group(2).strip("-/").upper().replace("Đ", "Đ")
        abbr = out["symbol"].split("-")[0]
        out["type"] = next((c for a, c in ABBR_TYPE.items() if a == abbr.upper()), None)
    if m := _DATE_LINE.search(head):
        out["place"] = collapse_spaces(m.group(1))
        try:
            out["date"] = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
        except ValueError:
            out["date"] = None
    lines = [collapse_spaces(line) for line in head.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        folded = fold(line)
        if folded.startswith("v/v") or folded.startswith("ve viec"):
            out["subject"] = collapse_spaces(re.sub(r"^(?i:v/v|về việc)\s*:?\s*", "", line))
            out["type"] = out["type"] or "cong_van"
            break
        if line.isupper() and len(line) < 40:
            code = next((c for name, c in _TYPE_NAMES if folded == name), None)
            if code and i + 1 < len(lines):
                out["type"] = code
                out["subject"] = lines[i + 1]
                break
    if len(lines) > 2:
        out["issuer"] = next((ln for ln in lines[:6] if ln.isupper() and "CỘNG HÒA" not in ln
                              and "CỘNG HOÀ" not in ln and len(ln) > 5), None)
    folded_head = fold(head[:1500])
    out["urgency"] = next((v for k, v in _URGENCY if re.search(rf"\b{k}\b", folded_head)), 0)
    out["confidentiality"] = next((v for k, v in _SECRECY if re.search(rf"(?m)^\s*{k}\s*$", folded_head)), 0)
    return out


def prefill(text: str, *, agencies: list[str] | None = None) -> dict:
    """Metadata for the registration form.  Never raises on odd text."""
    base = fallback(text or "")
    if extract is None:
        return base
    try:
        result = extract(text or "", agencies=agencies) or {}
    except Exception:  # noqa: BLE001 - a reader failure must not block registration
        return base
    doc = result.get("document") or {}
    merged = dict(base)
    for key in ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority",
                "recipients"):
        value = doc.get(key)
        if value not in (None, "", []):
            merged[key] = value
    if isinstance(merged.get("date"), str):
        try:
            merged["date"] = parse_date(merged["date"])
        except DateParseError:
            merged["date"] = base["date"]
    if isinstance(merged.get("number"), str):
        merged["number"] = int(merged["number"]) if merged["number"].isdigit() else base["number"]
    if doc.get("type") and doc["type"] not in TYPE_NAME:
        code = next((c for name, c in _TYPE_NAMES if fold(str(doc["type"])) == name), None)
        merged["type"] = code or base["type"]
    return merged
