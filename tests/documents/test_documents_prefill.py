"""Prefill: the fallback reader (no extractor installed) and the seam to the extractor."""

from __future__ import annotations

import datetime as dt
import sys
import types
import unicodedata

from documents_helpers import INCOMING_TEXT

from congvu.documents import prefill


def test_fallback_reads_number_symbol_place_date_subject():
    out = prefill.fallback(INCOMING_TEXT)
    assert out["number"] == 15 and out["symbol"] == "BNV-CCHC"
    assert out["place"] == "Hà Nội" and out["date"] == dt.date(2026, 1, 5)
    assert out["subject"] == "triển khai cải cách hành chính năm 2026" and out["type"] == "cong_van"
    assert out["issuer"] == "BỘ NỘI VỤ" and out["urgency"] == 0


def test_fallback_typed_document_sloppy_spacing_nfd_and_marks():
    text = unicodedata.normalize("NFD", """ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG
HỎA TỐC
Số: 161 /TB-UBND
Hải Phòng, ngày 29 tháng 3 năm 2020
THÔNG BÁO
Kết luận của Chủ tịch UBND thành phố về phòng, chống dịch""")
    out = prefill.fallback(text)
    assert out["number"] == 161 and out["symbol"] == "TB-UBND" and out["type"] == "thong_bao"
    assert out["date"] == dt.date(2020, 3, 29) and out["place"] == "Hải Phòng"
    assert out["subject"].startswith("Kết luận của Chủ tịch") and out["urgency"] == 3


def test_fallback_on_odd_text_never_raises():
    for text in ["", "Số: /", "ngày 31 tháng 02 năm 2020", "x" * 100000, "Hà Nội, ngày 99 tháng 99 năm 2020"]:
        out = prefill.fallback(text)
        assert set(prefill.KEYS) <= set(out)
    assert prefill.fallback("Hà Nội, ngày 31 tháng 02 năm 2020")["date"] is None


def test_extractor_is_used_when_available(monkeypatch):
    def fake_extract(text, *, agencies=None):
        return {"document": {"number": "7", "symbol": "QĐ-UBND", "type": "Quyết định", "date": "2020-04-01",
                             "subject": "Về việc thành lập tổ công tác", "signer": "Nguyễn Văn A",
                             "place": None, "recipients": []}, "tasks": []}

    monkeypatch.setattr(prefill, "extract", fake_extract)
    out = prefill.prefill(INCOMING_TEXT)
    assert out["number"] == 7 and out["symbol"] == "QĐ-UBND" and out["type"] == "quyet_dinh"
    assert out["date"] == dt.date(2020, 4, 1) and out["signer"] == "Nguyễn Văn A"
    assert out["place"] == "Hà Nội"  # null from the extractor keeps the fallback's value

    def broken(text, *, agencies=None):
        raise ValueError("reader bug")

    monkeypatch.setattr(prefill, "extract", broken)
    assert prefill.prefill(INCOMING_TEXT)["number"] == 15


def test_without_extractor_module_prefill_uses_fallback(monkeypatch):
    monkeypatch.setattr(prefill, "extract", None)
    monkeypatch.setitem(sys.modules, "congvu.directives.extract", types.ModuleType("empty"))
    assert prefill.prefill(INCOMING_TEXT)["symbol"] == "BNV-CCHC"
