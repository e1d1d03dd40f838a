"""Verification of the PDFs of documents (the signing app plugs in here).

* ``VERIFIERS`` lists dotted paths to ``f(*, document_file, user) -> dict | None``, called for every PDF
  version shown on a document's detail page (only for people who may see the document).  A dict is shown
  as a result (keys used when present: ``title``, ``ok`` (True / False / None = not checked yet),
  ``verdict``, ``lines`` (list of str), ``url`` (the full report), ``recheck_url`` (POST to check again),
  ``poll_url`` (a partial the page fetches with htmx every few seconds until it answers 200)).
  It should read a stored result, not compute one: the detail page must stay fast.
* ``FILE_HOOKS`` lists dotted paths to ``f(*, document_file) -> None``, called after the transaction that
  stored a PDF version commits (upload, registration, approval, issuance, delivery to another agency):
  the place to queue a background check.  A failing hook is logged and never undoes the write.
"""

from __future__ import annotations

import logging

from django.db import transaction

from .pdfsteps import resolve

VERIFIERS: list[str] = []
FILE_HOOKS: list[str] = []
log = logging.getLogger(__name__)


def results(document_file, user) -> list[dict]:
    out = []
    for dotted in VERIFIERS:
        try:
            result = resolve(dotted)(document_file=document_file, user=user)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must not break the page
            log.warning("verifier %s failed: %s", dotted, exc)
            result = {"title": dotted, "ok": False, "lines": [f"Lỗi kiểm tra: {exc.__class__.__name__}"]}
        if result:
            out.append(result)
    return out


def _run_hooks(file_ids: list[int]) -> None:
    from .models import DocumentFile

    for f in DocumentFile.objects.filter(pk__in=file_ids).select_related("file", "document"):
        for dotted in FILE_HOOKS:
            try:
                resolve(dotted)(document_file=f)
            except Exception as exc:  # noqa: BLE001 - the file is stored; a check can be run again
                log.warning("file hook %s failed for file %s: %s", dotted, f.pk, exc.__class__.__name__)


def stored(document_file) -> None:
    """Call FILE_HOOKS for a newly stored PDF version once the current transaction commits."""
    if not FILE_HOOKS or document_file.file.content_type != "application/pdf":
        return
    file_id = document_file.pk
    transaction.on_commit(lambda: _run_hooks([file_id]))
