"""The demo loader: a realistic set, and a second run changes nothing."""

from __future__ import annotations

import pytest

from congvu.documents import demo
from congvu.documents.models import Document
from congvu.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_documents_load_once(settings, tmp_path, django_capture_on_commit_callbacks):
    from congvu.signing import demo as signing_demo
    from congvu.signing.verify import verify_pdf

    settings.DATA_DIR = tmp_path / "data"  # the demo PKI is written there and trusted (demo mode)
    settings.CONGVU_TRUST_ROOTS = []
    settings.CONGVU_SIGNING_DEMO = True
    org_demo.load()
    signing_demo.load()  # congvu demo runs it before the documents (web.demo.LOADERS)
    with django_capture_on_commit_callbacks(execute=True):
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

    # the issued demo document carries the leader's and the organisation's signatures, both valid
    from congvu.documents.services import latest_main
    from congvu.signing import conf
    from congvu.signing.models import VerificationReport

    issued = snv.get(direction="outgoing", status="issued")
    pdf = latest_main(issued).file.read()
    report = verify_pdf(pdf, trust_roots=conf.trust_roots())
    assert report["ok"] and len(report["signatures"]) == 2, report
    stored = VerificationReport.objects.filter(sha256=latest_main(issued).file.sha256, uploaded_by__isnull=True)
    assert stored.filter(ok=True).exists()  # checked when stored (the Celery task queued on commit)
