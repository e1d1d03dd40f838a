import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congvu.core import text

GENUINE = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc"


def test_normalize_makes_nfc_and_drops_control_characters():
    nfd = unicodedata.normalize("NFD", "Sở Nội vụ")
    assert nfd != "Sở Nội vụ"
    assert text.normalize(nfd + "\x00\x07\r\n") == "Sở Nội vụ\n"
    assert text.normalize(None) == ""


@pytest.mark.parametrize(("raw", "folded"), [
    ("Cải cách HÀNH CHÍNH", "cai cach hanh chinh"),
    ("Đà Nẵng  đổi mới", "da nang doi moi"),
    (unicodedata.normalize("NFD", "Thủ tướng Chính phủ"), "thu tuong chinh phu"),
    ("ĐẶNG", "dang"),
])
def test_fold_removes_diacritics_and_case(raw, folded):
    assert text.fold(raw) == folded


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(s):
    once = text.fold(s)
    assert text.fold(once) == once


@pytest.mark.parametrize(("legacy", "encoding"), [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3"),
    ("Thñ t\xadíng ChÝnh phñ giao Së Néi vô chñ tr×", "tcvn3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni"),
])
def test_detects_and_converts_legacy_encodings(legacy, encoding):
    assert text.detect_legacy_encoding(legacy) == encoding
    repaired = text.repair(legacy)
    assert text.vietnamese_score(repaired) == 1.0
    assert unicodedata.is_normalized("NFC", repaired)


def test_round_trip_examples():
    assert text.repair("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert text.repair("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    # TCVN3 capital lines typed in a capital font come back in capitals.
    assert text.repair("UBND TØNH GIA LAI") == "UBND TỈNH GIA LAI"
    assert text.repair("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.mark.parametrize("clean", [GENUINE, "Le café est très bon à Paris", "Straße und Müller", "plain ascii text",
                                   "Số: 161/TB-UBND ngày 27/3/2020", ""])
def test_genuine_text_is_left_alone(clean):
    assert text.detect_legacy_encoding(clean) is None
    assert text.repair(clean) == text.normalize(clean)


def test_decode_bytes_handles_utf8_bom_utf16_cp1252_legacy():
    assert text.decode_bytes("\ufeffSở Nội vụ".encode()) == "Sở Nội vụ"
    assert text.decode_bytes("Sở Nội vụ".encode("utf-16")) == "Sở Nội vụ"
    assert text.decode_bytes("Céng hoµ x· héi chñ nghÜa ViÖt Nam".encode("cp1252")) == \
        "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert text.decode_bytes("Coäng hoøa xaõ hoäi".encode("cp1252")) == "Cộng hòa xã hội"
    # Windows-1258 writes tones as combining marks.
    cp1258 = "C\u00f4\u0323ng ho\u0300a xa\u0303 h\u00f4\u0323i".encode("cp1258")
    assert text.decode_bytes(cp1258) == "Cộng hòa xã hội"


def test_decode_bytes_never_raises_on_junk():
    junk = bytes(range(256)) * 4
    assert isinstance(text.decode_bytes(junk), str)


def test_vietnamese_sort_order():
    names = ["Trần Thị Yến", "Nguyễn Văn Ân", "Lê Văn An", "Phạm Thị Đào", "Bùi Văn Dũng", "Đỗ Thị Ánh"]
    ordered = sorted(names, key=text.sort_key)
    # Sorted by given name: An < Ân? 'a' < 'â' in the Vietnamese alphabet; Dũng < Đào (d before đ).
    assert [n.split()[-1] for n in ordered] == ["An", "Ánh", "Ân", "Dũng", "Đào", "Yến"]
