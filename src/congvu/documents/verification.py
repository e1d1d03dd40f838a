"""Verifiers shown on a document's detail page for each PDF (the signing issue plugs in here).

``VERIFIERS`` lists dotted paths to ``f(*, pdf: bytes) -> dict | None``.  A dict is shown as a
result block (keys ``title``, ``ok`` (bool), ``lines`` (list of str) are used when present).
"""

from __future__ import annotations

import logging

from .pdfsteps import resolve

VERIFIERS: list[str] = []
log = logging.getLogger(__name__)


def verify(pdf: bytes) -> list[dict]:
    out = []
    for dotted in VERIFIERS:
        try:
            result = resolve(dotted)(pdf=pdf)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must not break the page
            log.warning("verifier %s failed: %s", dotted, exc)
            result = {"title": dotted, "ok": False, "lines": [f"Lỗi kiểm tra: {exc.__class__.__name__}"]}
        if result:
            out.append(result)
    return out
