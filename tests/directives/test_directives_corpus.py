"""Our own labelled corpus: label sanity, every document right, and the evaluation figures."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from extract_helpers import DEV_CORPUS, OWN_CORPUS, labelled

from congvu.directives.evaluate import evaluate_dir
from congvu.directives.extract import extract, prepare

OWN = labelled(OWN_CORPUS)
KINDS = {"Công văn", "Công điện", "Chỉ thị", "Kế hoạch", "Thông báo", "Quyết định", "Nghị quyết"}
DOC_KEYS = ["number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority",
            "recipients"]
TASK_KEYS = {"lead", "coordinators", "action", "deadline", "deadline_text", "report_to", "implicit_lead",
             "lead_aliases"}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("*", "")).strip()


def test_own_corpus_covers_every_kind():
    assert len(OWN) >= 15
    assert {label["document"]["type"] for _i, _t, label in OWN} >= KINDS


@pytest.mark.parametrize(("doc_id", "text", "label"), OWN + labelled(DEV_CORPUS), ids=lambda x: x
                         if isinstance(x, str) and len(x) < 60 else "")
def test_labels_follow_the_rules(doc_id, text, label):
    """Schema, NFC, and every string value occurs in the text (markdown removed, white space collapsed)."""
    clean = _clean(text)
    assert label["id"] == doc_id
    assert list(label["document"]) == DOC_KEYS

    def occurs(value):
        if value is None:
            return
        assert isinstance(value, str) and value == unicodedata.normalize("NFC", value)
        assert value in clean, value

    for key in ("number", "place", "subject", "signer", "signer_title"):
        occurs(label["document"][key])
    for item in label["document"]["recipients"]:
        occurs(item)
    for task in label["tasks"]:
        assert set(task) >= TASK_KEYS
        for key in ("lead", "action", "deadline_text", "report_to"):
            occurs(task[key])
        for item in task["coordinators"] + task["lead_aliases"]:
            occurs(item)
        if task["deadline"]:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2})?)?)?", task["deadline"])


@pytest.mark.parametrize(("doc_id", "text", "label"), OWN, ids=[d[0] for d in OWN])
def test_own_corpus_document(doc_id, text, label):
    got = extract(text)
    assert got["document"] == label["document"]
    want = label["tasks"]
    assert [t["action"] for t in got["tasks"]] == [t["action"] for t in want]
    for g, w in zip(got["tasks"], want, strict=True):
        for key in ("lead", "coordinators", "deadline", "deadline_text", "report_to", "implicit_lead"):
            assert g[key] == w[key], (key, w["action"][:50])


@pytest.mark.parametrize(("doc_id", "text", "label"), OWN + labelled(DEV_CORPUS), ids=lambda x: x
                         if isinstance(x, str) and len(x) < 60 else "")
def test_task_offsets_point_at_the_action(doc_id, text, label):
    source = prepare(text)
    for task in extract(text)["tasks"]:
        assert _clean(source[task["start"]:task["end"]]) == task["action"]


def test_evaluation_figures_on_both_corpora():
    for folder in (DEV_CORPUS, OWN_CORPUS):
        report = evaluate_dir(folder).report()
        assert report["tasks"]["f1"] >= 0.95, json.dumps(report, ensure_ascii=False)
        assert report["task_fields_on_pairs"]["deadline"] >= 0.95
        assert min(report["document_fields"].values()) >= 0.9
