"""PDF steps run when a document is approved and when it is issued (the signing issue plugs in here).

``PDF_STEPS[step]`` lists dotted paths to ``f(*, pdf: bytes, actor, document) -> bytes``; each runs in
order on the current PDF inside the service's transaction, and the result is stored as a new
immutable file version.  An exception aborts the whole step (nothing is numbered, nothing stored).
"""

from __future__ import annotations

from importlib import import_module

PDF_STEPS: dict[str, list[str]] = {"approve": [], "issue": []}


def resolve(dotted: str):
    module_name, func_name = dotted.rsplit(".", 1)
    return getattr(import_module(module_name), func_name)


def run(step: str, *, pdf: bytes, actor, document) -> tuple[bytes, list[str]]:
    """Apply the registered callables; returns the final bytes and the names that ran."""
    ran = []
    for dotted in PDF_STEPS.get(step, []):
        pdf = resolve(dotted)(pdf=pdf, actor=actor, document=document)
        if not isinstance(pdf, bytes | bytearray) or not bytes(pdf).startswith(b"%PDF-"):
            raise TypeError(f"PDF step {dotted} did not return PDF bytes")
        pdf = bytes(pdf)
        ran.append(dotted)
    return pdf, ran
