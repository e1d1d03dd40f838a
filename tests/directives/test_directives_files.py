"""The same documents as PDF (text layer) and as DOCX read like the text: metadata and tasks."""

from __future__ import annotations

import html

import pytest
from extract_helpers import DEV_CORPUS, OWN_CORPUS, labelled, make_docx

from congvu.directives.extract import extract_file

DOCS = {d[0]: d for d in labelled(DEV_CORPUS) + labelled(OWN_CORPUS)}
KEY = ("lead", "coordinators", "deadline", "report_to", "implicit_lead")


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line.replace('**', ''))}</p>" for line in text.split("\n") if line.strip())
    return HTML(string=f"<html><body style='font-size:13pt;width:16cm'>{body}</body></html>").write_pdf()


@pytest.mark.parametrize("doc_id", ["000_9483932923e480fc", "004_edb2e8781a178b53", "103_chithi_pccc",
                                    "112_congvan_kt_subbullets", "126_thongbao_giao_colon"])
def test_pdf_text_layer_reads_like_the_text(doc_id):
    _i, text, label = DOCS[doc_id]
    got = extract_file(_pdf(text))
    for field in ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority"):
        assert got["document"][field] == label["document"][field], field
    # PDF text layers put a space before some commas ("Báo HP , Báo ANHP"): compare recipients loosely
    assert [r.replace(" ,", ",") for r in got["document"]["recipients"]] == label["document"]["recipients"]
    assert [tuple(t[k] for k in KEY) for t in got["tasks"]] == [tuple(t[k] for k in KEY) for t in label["tasks"]]


@pytest.mark.parametrize("doc_id", ["001_e8cb68ce351b253a", "102_congdien_bao", "118_kehoach_sections"])
def test_docx_paragraphs_read_like_the_text(doc_id):
    _i, text, label = DOCS[doc_id]
    got = extract_file(make_docx([line.replace("**", "") for line in text.split("\n")]))
    assert got["document"] == label["document"]
    assert [t["action"] for t in got["tasks"]] == [t["action"] for t in label["tasks"]]
    assert [tuple(t[k] for k in KEY) for t in got["tasks"]] == [tuple(t[k] for k in KEY) for t in label["tasks"]]
