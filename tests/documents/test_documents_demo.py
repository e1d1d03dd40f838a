"""The demo loader: a realistic set, and a second run changes nothing."""

from __future__ import annotations

import pytest

from congvu.documents import demo
from congvu.documents.models import Document
from congvu.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_documents_load_once():
    org_demo.load()
    result = demo.load()
    assert result["documents"] >= 8
    snv = Document.objects.filter(agency__short_name="SNV")
    assert {"registered", "submitted", "directed", "done"} <= set(snv.filter(direction="incoming")
                                                                  .values_list("status", flat=True))
    assert {"draft", "in_review", "issued"} <= set(snv.filter(direction="outgoing").values_list("status", flat=True))
    assert Document.objects.filter(agency__short_name="STTTT", status="received").count() == 1
    assert snv.filter(confidentiality__gt=0).exists()
    count = Document.objects.count()
    assert demo.load() == {"documents": 0} and Document.objects.count() == count
