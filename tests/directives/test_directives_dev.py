"""The development set: every metadata field and every task exactly as labelled."""

from __future__ import annotations

import pytest
from extract_helpers import DEV_CORPUS, labelled

from congvu.directives.extract import extract

DEV = labelled(DEV_CORPUS)
DOC_FIELDS = ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority",
              "recipients")
TASK_FIELDS = ("lead", "coordinators", "action", "deadline", "deadline_text", "report_to", "implicit_lead")

_cache: dict[str, dict] = {}


def _read(doc_id: str, text: str) -> dict:
    if doc_id not in _cache:
        _cache[doc_id] = extract(text)
    return _cache[doc_id]


def test_dev_corpus_is_present():
    assert len(DEV) == 5, f"dev corpus not found at {DEV_CORPUS}"


@pytest.mark.parametrize("field", DOC_FIELDS)
@pytest.mark.parametrize(("doc_id", "text", "label"), DEV, ids=[d[0] for d in DEV])
def test_dev_metadata(doc_id, text, label, field):
    assert _read(doc_id, text)["document"][field] == label["document"][field]


@pytest.mark.parametrize(("doc_id", "text", "label"), DEV, ids=[d[0] for d in DEV])
def test_dev_tasks(doc_id, text, label):
    got = _read(doc_id, text)["tasks"]
    want = label["tasks"]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        for field in TASK_FIELDS:
            assert g[field] == w[field], (field, w["action"][:60])
        assert g["lead_aliases"] == []
