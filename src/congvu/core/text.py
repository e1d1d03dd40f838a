"""Vietnamese text: NFC normalisation, search folding, legacy encodings.

Pure Python, no Django.  Every text that enters Công Vụ goes through
:func:`normalize`; search keys go through :func:`fold`.  Old documents still
arrive in the 8-bit font encodings of the 1990s, TCVN3 (ABC, ``.VnTime``) and
VNI (``VNI-Times``); :func:`detect_legacy_encoding` recognises them and
:func:`from_legacy` / :func:`repair` convert them to Unicode.

Detection does not rely on a list of tell-tale characters alone: each candidate
conversion is scored by the share of words that are well-formed Vietnamese
syllables, and a conversion is taken only when it clearly beats the text as it
is.  That keeps genuine Unicode text (and French or German with accents)
untouched.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "normalize",
    "fold",
    "collapse_spaces",
    "vietnamese_score",
    "detect_legacy_encoding",
    "from_legacy",
    "tcvn3_to_unicode",
    "vni_to_unicode",
    "repair",
    "decode_bytes",
    "sort_key",
]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalize(text: str | None) -> str:
    """Unicode NFC, no NULs or stray control characters, ``\\r\\n`` → ``\\n``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def collapse_spaces(text: str) -> str:
    """Runs of horizontal white space become one space; ends trimmed."""
    return _SPACES.sub(" ", text).strip()


_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(text: str | None) -> str:
    """Search key: diacritics removed, đ/Đ → d, case folded, spaces collapsed.

    ``fold("Cải cách HÀNH CHÍNH, Đà Nẵng") == "cai cach hanh chinh, da nang"``.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return collapse_spaces(stripped.casefold())


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
# then tones (none, huyền, hỏi, ngã, sắc, nặng) as a tie breaker.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ALPHA_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_MODIFIERS = {"\u0306": "ă", "\u0302": "â"}


def _letters(word: str) -> tuple[list[tuple[int, str]], list[int]]:
    ranks: list[tuple[int, str]] = []
    tones: list[int] = []
    for ch in word.casefold():
        parts = unicodedata.normalize("NFD", ch)
        base = parts[0]
        tone = 0
        for mark in parts[1:]:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif mark == "\u0306" and base == "a":
                base = "ă"
            elif mark == "\u0302" and base in "aeo":
                base = {"a": "â", "e": "ê", "o": "ô"}[base]
            elif mark == "\u031b" and base in "ou":
                base = {"o": "ơ", "u": "ư"}[base]
        ranks.append((_ALPHA_RANK.get(base, 100 + ord(base)), base))
        tones.append(tone)
    return ranks, tones


def sort_key(name: str) -> tuple:
    """Key that sorts Vietnamese text the Vietnamese way (personal names by given name).

    For person names ("Nguyễn Văn An") sort by the last word first, then the rest,
    as Vietnamese lists do.
    """
    words = normalize(name).split()
    ordered = words[-1:] + words[:-1] if len(words) > 1 else words
    key = []
    for word in ordered:
        ranks, tones = _letters(word)
        key.append((tuple(r for r, _ in ranks), tuple(tones)))
    return tuple(key)


# --- Vietnamese syllable recogniser (used to score conversions) -------------------------------------

_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"(uyê|uya|ươu|ươi|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươ|iê|yê|uô|ua|uâ|uơ|ưa|ia|ai|ao|au|ay|âu|ây|"
    r"eo|êu|iu|oa|oă|oe|oi|ôi|ơi|ui|ưi|uy|ưu|uê|[aăâeêioôơuưy])"
    r"(ng|nh|ch|[cmnpt])?$"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    nfd = unicodedata.normalize("NFD", word.casefold())
    tones = sum(1 for ch in nfd if ch in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in _TONES))
    return bool(_SYLLABLE.match(base))


_WORD = re.compile(r"[^\W\d_]+|\S*[^\x00-\x7f]\S*", re.UNICODE)


def vietnamese_score(text: str) -> float:
    """Share (0–1) of the words carrying non-ASCII characters that are Vietnamese syllables.

    Plain ASCII words carry no evidence either way and are not counted.  A text
    without any non-ASCII word scores 1.0 (nothing to repair).
    """
    good = total = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        total += 1
        if _is_syllable(word.strip(".,;:!?()[]\"'«»“”…-")):
            good += 1
    return 1.0 if total == 0 else good / total


# --- TCVN3 (ABC) ----------------------------------------------------------------------------------
# Byte values of the TCVN 5712:1993 "VN3" font encoding, read through cp1252.  Capital
# letters with tones do not exist in the single-font encoding (they are typed with the
# lowercase codes in a capital font such as .VnTimeH) and are restored from context.
_TCVN3_PAIRS = (
    "µà ¶ả ·ã ¸á ¹ạ ¨ă »ằ ¼ẳ ½ẵ ¾ắ Æặ ©â Çầ Èẩ Éẫ Êấ Ëậ ®đ Ìè Îẻ Ïẽ Ðé Ñẹ ªê Òề Óể Ôễ Õế Öệ "
    "×ì Øỉ Üĩ Ýí Þị ßò áỏ âõ ãó äọ «ô åồ æổ çỗ èố éộ ¬ơ êờ ëở ìỡ íớ îợ ïù ñủ òũ óú ôụ \xadư õừ "
    "öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ ¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ"
)
_TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split()}
_TCVN3["\xad"] = "ư"
_TCVN3_RE = re.compile("[" + re.escape("".join(_TCVN3)) + "]")


def tcvn3_to_unicode(text: str) -> str:
    """Convert text typed in TCVN3 (ABC) and read as cp1252/latin-1 to Unicode NFC."""
    converted = _TCVN3_RE.sub(lambda m: _TCVN3[m.group()], text)
    return _restore_capitals(unicodedata.normalize("NFC", converted))


def _restore_capitals(text: str) -> str:
    """Lines typed in a capital font (.VnTimeH) hold lowercase codes for toned capitals.

    A line whose ASCII letters are (nearly) all capitals is taken to be such a line
    and upper-cased whole.
    """

    def fix(line: str) -> str:
        letters = [c for c in line if c.isascii() and c.isalpha()]
        if len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
            return line.upper()
        return line

    return "\n".join(fix(line) for line in text.split("\n"))


# --- VNI ----------------------------------------------------------------------------------------------
# VNI-Windows writes a base vowel followed by a mark character (as read through cp1252).
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(key: str, base: str, marks: str) -> None:
        value = unicodedata.normalize("NFC", base + marks)
        table[key] = value
        table[key.upper()] = value.upper()

    for vowel in "aeouy":
        for mark, tone in _VNI_TONES.items():
            if vowel == "y" and mark == "ï":
                continue  # ỵ is a single code, below
            add(vowel + mark, vowel, tone)
    for vowel in "aeo":
        for mark, tone in _VNI_HAT.items():
            add(vowel + mark, vowel, "\u0302" + tone)
    for mark, tone in _VNI_BREVE.items():
        add("a" + mark, "a", "\u0306" + tone)
    for code, base in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONES.items():
            add(code + mark, base, tone)
    singles = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
    for code, value in singles.items():
        table[code] = value
        table[code.upper()] = value.upper()
    return table


_VNI = _build_vni()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI, key=len, reverse=True)))


def vni_to_unicode(text: str) -> str:
    """Convert text typed in VNI-Windows and read as cp1252/latin-1 to Unicode NFC."""
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: _VNI[m.group()], text))


_CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}


def from_legacy(text: str, encoding: str) -> str:
    """Convert from a named legacy encoding (``"tcvn3"`` or ``"vni"``)."""
    try:
        return _CONVERTERS[encoding](text)
    except KeyError:
        raise ValueError(f"unknown legacy encoding {encoding!r}") from None


_VIET_UNICODE = re.compile("[\u1ea0-\u1ef9ơưđăĩũƠƯĐĂĨŨ]")


def detect_legacy_encoding(text: str, *, margin: float = 0.25) -> str | None:
    """Return ``"tcvn3"``, ``"vni"`` or ``None`` (text is fine as it is).

    A conversion wins when its Vietnamese-syllable score beats the original's by
    ``margin`` and reaches at least 0.6.
    """
    sample = text[:20000]
    if not any(ord(ch) > 127 for ch in sample):
        return None
    original = vietnamese_score(sample)
    # Genuine Vietnamese Unicode is full of characters no legacy text read as cp1252 holds.
    if len(_VIET_UNICODE.findall(sample)) > 3 and original >= 0.6:
        return None
    best, best_score = None, original
    for name, convert in _CONVERTERS.items():
        score = vietnamese_score(convert(sample))
        if score > best_score:
            best, best_score = name, score
    if best and best_score >= 0.6 and best_score - original >= margin:
        return best
    return None


def repair(text: str) -> str:
    """NFC-normalise and convert from TCVN3/VNI when the text is written in one."""
    text = normalize(text)
    encoding = detect_legacy_encoding(text)
    return from_legacy(text, encoding) if encoding else text


def decode_bytes(data: bytes) -> str:
    """Decode a text file of unknown origin into repaired Unicode NFC text.

    UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are; anything
    else is read as cp1252 (the code page legacy Vietnamese fonts were typed on,
    with latin-1 for the bytes cp1252 leaves undefined) and checked for TCVN3/VNI,
    and for Windows-1258 (which writes tones as combining marks).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return repair(data[3:].decode("utf-8", errors="replace"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return repair(data.decode("utf-16", errors="replace"))
    try:
        return repair(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    as_1252 = "".join(_iter_1252(data))
    candidates = [repair(as_1252)]
    with contextlib.suppress(UnicodeDecodeError):
        candidates.append(normalize(data.decode("cp1258")))
    return max(candidates, key=vietnamese_score)


def _iter_1252(data: bytes):
    """cp1252, with latin-1 for the five bytes cp1252 leaves undefined."""
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    start = 0
    for i, b in enumerate(data):
        if b in undefined:
            if start < i:
                yield data[start:i].decode("cp1252")
            yield chr(b)
            start = i + 1
    if start < len(data):
        yield data[start:].decode("cp1252")
