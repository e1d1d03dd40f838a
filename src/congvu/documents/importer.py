"""Import files from older systems: each file is read, its metadata pre-filled, and registered — or nothing.

Incoming files go into the incoming register of the year (a new arrival number).  Outgoing files are
historical documents already issued: they keep the number printed on them, in the outgoing register of
their year (the register's counter is moved up to the highest imported number; the unique constraint
refuses a number imported twice).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from congvu.core import audit
from congvu.core.filetext import FileTextError, text_of
from congvu.core.text import collapse_spaces, repair
from congvu.org.models import Agency

from . import search, services
from .models import Direction, Document, DocumentFile
from .prefill import prefill


class ImportError_(Exception):  # noqa: N801 - not the builtin
    """A file that cannot be imported; the message is for the operator."""


def system_user():
    """An unsaved superuser for CLI reads: every agency, never a confidential document."""
    return get_user_model()(username="congvu-cli", is_superuser=True)


def _subject(meta: dict, text: str, name: str) -> str:
    if meta.get("subject"):
        return meta["subject"][:500]
    for line in text.splitlines():
        line = collapse_spaces(line)
        if len(line) > 15 and not line.isupper():
            return line[:500]
    return Path(name).stem[:500]


def read(path: str) -> tuple[bytes | None, str | None, str | None, dict | None]:
    """(bytes, text, error, prefilled metadata) of a file.

    Pure (no database): the CLI runs it in worker processes, so text extraction and the document
    reader use every core while the main process only writes to the database."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return None, None, f"không đọc được tệp: {exc.strerror or exc}", None
    if data[:5] == b"%PDF-" and (fast := _pdftotext(data)) is not None:
        return data, fast, None, prefill(fast)
    try:
        text = text_of(data)
    except FileTextError as exc:
        return data, None, exc.message, None
    return data, text, None, prefill(text)


PDFTOTEXT = shutil.which("pdftotext")


def _pdftotext(data: bytes) -> str | None:
    """Poppler's pdftotext (3× faster than pure Python) when installed; None → use core.filetext."""
    if not PDFTOTEXT or len(data) > 100 * 1024 * 1024:
        return None
    try:
        done = subprocess.run([PDFTOTEXT, "-q", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or len("".join(text.split())) < 20:
        return None  # encrypted, malformed or a scan: core.filetext gives the precise answer
    return repair(text.replace("\f", "\n\f\n"))


def import_file(*, data: bytes, name: str, agency: Agency, direction: str = Direction.INCOMING,
                text: str | None = None, meta: dict | None = None) -> Document:
    if text is None:
        try:
            text = text_of(data)
        except FileTextError as exc:
            raise ImportError_(exc.message) from None
    if meta is None:
        meta = prefill(text)
    common = {"doc_type": meta.get("type") or "cong_van", "number": meta.get("number"),
              "symbol": meta.get("symbol") or "", "issued_on": meta.get("date"),
              "subject": _subject(meta, text, name), "signer_name": (meta.get("signer") or "")[:50],
              "urgency": meta.get("urgency") or 0, "confidentiality": meta.get("confidentiality") or 0,
              "place": (meta.get("place") or "")[:100]}
    if direction == Direction.INCOMING:
        common["issuer_name"] = (meta.get("issuer") or "Không xác định")[:200]
        return _atomic_incoming(agency, common, name, data, text)
    return _import_outgoing(agency, common, name, data, text)


@transaction.atomic
def _atomic_incoming(agency, common, name, data, text) -> Document:
    return services.register_new_incoming(actor=None, agency=agency, data=common, files=[(name, data)],
                                          file_texts=[text])


@transaction.atomic
def _import_outgoing(agency: Agency, common: dict, name: str, data: bytes, text: str) -> Document:
    if not common["number"] or not common["symbol"] or not common["issued_on"]:
        raise ImportError_("không đọc được số, ký hiệu hoặc ngày ban hành của văn bản đi")
    meta = services.clean_metadata({**common, "issuer_name": agency.name}, direction=Direction.INCOMING)
    number = meta.pop("number")
    meta.pop("issuer_name")
    reg = services._register(agency, meta["issued_on"].year, Direction.OUTGOING, meta["confidentiality"] > 0)
    doc = Document(agency=agency, direction=Direction.OUTGOING, status=Document.Status.ISSUED, number=number,
                   issuer_name=agency.name, issuer_agency=agency, register=reg, register_number=number, **meta)
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise ImportError_(f"số {number} đã có trong sổ văn bản đi năm {reg.year}") from None
    if number > reg.last_number:
        reg.last_number = number
        reg.save(update_fields=["last_number"])
    services._store_version(doc, name=name, data=data, actor=None, reason="import", text=text)
    audit.record(action="documents.outgoing.import", actor=None, obj=doc, to_state=doc.status,
                 changes={"register": reg.pk, "number": number})
    search.reindex(doc)
    return doc


__all__ = ["ImportError_", "import_file", "system_user", "DocumentFile"]
