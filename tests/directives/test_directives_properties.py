"""Property tests: hard line breaks, extra spaces and NFD do not change what the reader finds."""

from __future__ import annotations

import re
import unicodedata

from extract_helpers import DEV_CORPUS, OWN_CORPUS, labelled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congvu.directives.extract import extract

DOCS = [text for _i, text, _l in labelled(DEV_CORPUS) + labelled(OWN_CORPUS)]
_EXPECTED: dict[int, dict] = {}

_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
_NO_BREAK_AFTER = (".", ";", ":", "!", "?", "/.")
_MARKERISH = re.compile(r"^(?:[-+•–]|\d{1,2}[.)]|[a-zđ]\)|[IVX]+\.)$")


def _stable(result: dict) -> dict:
    """The result without source offsets (they move when the text is re-spaced)."""
    return {"document": result["document"],
            "tasks": [{k: v for k, v in t.items() if k not in ("start", "end")} for t in result["tasks"]]}


def _expected(k: int) -> dict:
    if k not in _EXPECTED:
        _EXPECTED[k] = _stable(extract(DOCS[k]))
    return _EXPECTED[k]


def _rewrap(text: str, width: int) -> str:
    """Hard-wrap every long line at ``width`` like a PDF/e-mail would, never right after a sentence end."""
    out = []
    for line in text.split("\n"):
        # table rows, layout columns and flattened "Nơi nhận … signature" lines are not prose: they stay
        if len(line) <= width or "|" in line or "    " in line.strip() or "Nơi nhận" in line:
            out.append(line)
            continue
        words = line.split(" ")
        cur = ""
        for word in words:
            if cur and len(cur) + 1 + len(word) > width and not cur.endswith(_NO_BREAK_AFTER) \
                    and not _MARKERISH.match(word) and not _MARKERISH.match(cur.split(" ")[-1]) and word:
                out.append(cur)
                cur = word
            else:
                cur = f"{cur} {word}" if cur else word
        out.append(cur)
    return "\n".join(out)


@_SETTINGS
@given(k=st.integers(0, len(DOCS) - 1), width=st.integers(55, 110))
def test_rewrapping_lines_does_not_change_the_result(k, width):
    assert _stable(extract(_rewrap(DOCS[k], width))) == _expected(k)


def test_rewrapping_every_document_at_common_widths():
    for k in range(len(DOCS)):
        for width in (55, 64, 72, 80, 96, 110):
            assert _stable(extract(_rewrap(DOCS[k], width))) == _expected(k), (k, width)


@_SETTINGS
@given(k=st.integers(0, len(DOCS) - 1), data=st.data())
def test_extra_spaces_do_not_change_the_result(k, data):
    text = DOCS[k]
    positions = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
    chosen = data.draw(st.sets(st.sampled_from(positions), max_size=40)) if positions else set()
    extra = data.draw(st.sampled_from(["  ", "\u00a0 ", " "]))
    spaced = "".join(extra if i in chosen else ch for i, ch in enumerate(text))
    spaced = spaced + data.draw(st.sampled_from(["", "\n", "\n\n  \n"]))
    assert _stable(extract(spaced)) == _expected(k)


@_SETTINGS
@given(k=st.integers(0, len(DOCS) - 1), form=st.sampled_from(["NFD", "NFKD"]), crlf=st.booleans())
def test_nfd_and_crlf_do_not_change_the_result(k, form, crlf):
    text = DOCS[k]
    if form == "NFKD":
        # NFKD would also rewrite compatibility characters; only decompose the Vietnamese letters
        text = "".join(unicodedata.normalize("NFD", ch) if ch.isalpha() else ch for ch in text)
    else:
        text = unicodedata.normalize("NFD", text)
    if crlf:
        text = text.replace("\n", "\r\n")
    assert _stable(extract(text)) == _expected(k)


_PIECES = ["Giao ", "Sở Nội vụ", "chủ trì", ", ", "phối hợp với ", "UBND các huyện", ":", ";", ".", "\n", "\n\n",
           "- ", "+ ", "1. ", "a) ", "I. ", "trước ngày 31/3/2020", "trước 07h00' ngày 28/3", "trong tháng 13/2020",
           "báo cáo ", "Ủy ban nhân dân tỉnh", "Số: 12/TB-UBND", "Hà Nội, ngày 05 tháng 01 năm 2021", "THÔNG BÁO",
           "V/v ", "Nơi nhận:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", " | ", "|---|", "**", "(", ")",
           "Kính gửi:", "các cơ quan, đơn vị liên quan", "thông báo để ", "biết, thực hiện./.", "    ", "\t", "là ",
           "Đề nghị ", "yêu cầu ", "hằng tháng", "quý II/2025", "từ ngày 01/4/2020", "# ", "Về việc ", "điện:"]


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=80))
def test_any_mix_of_document_pieces_reads_without_error(parts):
    """Whatever order the pieces come in, the reader answers the schema (or refuses empty input)."""
    from congvu.directives.extract import ExtractError

    text = "".join(parts)
    try:
        result = extract(text)
    except ExtractError as exc:
        assert exc.code in ("empty", "too_large")
        return
    assert set(result) == {"document", "tasks"}
    for task in result["tasks"]:
        assert task["lead"] and task["action"]
        assert 0 <= task["start"] <= task["end"]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.integers(0, len(DOCS) - 1), data=st.data())
def test_damaged_documents_read_without_error(k, data):
    """Documents with lines dropped or cut read without an exception."""
    lines = DOCS[k].split("\n")
    keep = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    cut = data.draw(st.integers(0, 40))
    text = "\n".join(line[cut:] if i % 3 == 0 else line for i, (line, k2) in enumerate(zip(lines, keep, strict=True))
                     if k2)
    if text.strip():
        result = extract(text)
        assert isinstance(result["tasks"], list)
