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

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
        if len(line) <= width or "|" in line or "    " in line.strip():  # table rows and layout columns stay
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
