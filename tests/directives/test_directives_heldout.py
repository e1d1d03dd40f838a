"""A floor on documents the reader never saw while it was written (tests/directives/heldout/README.md)."""

from __future__ import annotations

from pathlib import Path

from congvu.directives.evaluate import evaluate_dir

HELDOUT = Path(__file__).parent / "heldout"


def test_reader_quality_on_heldout_documents_does_not_fall():
    report = evaluate_dir(HELDOUT).report()
    assert report["documents"] == 16 and report["unreadable"] == []
    assert report["tasks"]["labelled"] == 104
    # Measured when first scored (docs/benchmarks.md): task F1 0.918, deadline exact 1.0, every metadata field 1.0.
    assert report["tasks"]["f1"] >= 0.90, report["tasks"]
    assert report["task_fields_on_pairs"]["deadline"] >= 0.97, report["task_fields_on_pairs"]
    assert min(report["document_fields"].values()) >= 0.95, report["document_fields"]
