"""PDF steps run when a document is approved and when it is issued (the signing app plugs in here).

``PDF_STEPS[step]`` lists dotted paths to ``f(*, pdf: bytes, actor, document[, secret]) -> bytes``; each
runs in order on the current PDF inside the service's transaction, and the result is stored as a new
immutable file version.  An exception aborts the whole step (nothing is numbered, nothing stored).

``secret`` is the password/PIN the person typed in the approve/issue form (or sent in the API body).
It is passed as a keyword only when one was given, lives in memory for the call only, and is never
stored, logged, put in an audit event or in a task payload.  Steps that need one accept
``secret: str | None = None``.

``PROMPTS`` lists dotted paths to ``f(*, step, actor, document) -> dict | None`` telling the approve and
issue forms what to show before the person acts: ``{"secret": bool, "label": str, "notes": [str]}`` —
``secret`` asks for a password/PIN field, ``notes`` are shown above the button (e.g. "no credential").

Other apps register themselves here from their ``AppConfig.ready()`` (documents imports none of them).
"""

from __future__ import annotations

from importlib import import_module

PDF_STEPS: dict[str, list[str]] = {"approve": [], "issue": []}
PROMPTS: list[str] = []


def resolve(dotted: str):
    module_name, func_name = dotted.rsplit(".", 1)
    return getattr(import_module(module_name), func_name)


def run(step: str, *, pdf: bytes, actor, document, secret: str | None = None) -> tuple[bytes, list[str]]:
    """Apply the registered callables; returns the final bytes and the names of those that changed them."""
    ran = []
    extra = {"secret": secret} if secret is not None else {}
    for dotted in PDF_STEPS.get(step, []):
        result = resolve(dotted)(pdf=pdf, actor=actor, document=document, **extra)
        if not isinstance(result, bytes | bytearray) or not bytes(result).startswith(b"%PDF-"):
            raise TypeError(f"PDF step {dotted} did not return PDF bytes")
        result = bytes(result)
        if result != pdf:
            ran.append(dotted)
        pdf = result
    return pdf, ran


def prompt(step: str, *, actor, document) -> dict:
    """What the form of ``step`` should show: a password/PIN field and notes (merged over PROMPTS)."""
    out = {"secret": False, "label": "", "notes": []}
    if not PDF_STEPS.get(step):
        return out
    for dotted in PROMPTS:
        got = resolve(dotted)(step=step, actor=actor, document=document) or {}
        if got.get("secret"):
            out["secret"] = True
            out["label"] = out["label"] or got.get("label", "")
        out["notes"].extend(got.get("notes", []))
    return out
