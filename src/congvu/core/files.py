"""Content-addressed file storage.

Files are stored once under their SHA-256 (``cas/ab/cd/abcd…``) through Django's storage
API (local disk by default, any S3-compatible store with django-storages).  On the way in
the size limit is enforced while streaming and the type is sniffed from the bytes (the
declared type or the file name is not trusted); a refused file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import TooLarge, UnsupportedType, ValidationFailed
from .models import StoredFile

CHUNK = 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def storage() -> Storage:
    return storages["default"]


def sniff_type(head: bytes, fileobj: BinaryIO | None = None) -> str:
    """The content type the bytes really are (never the declared one)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"PK\x03\x04"):
        if fileobj is not None:
            try:
                fileobj.seek(0)
                with zipfile.ZipFile(fileobj) as zf:
                    names = set(zf.namelist())
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
            except (zipfile.BadZipFile, OSError, ValueError):
                return "application/octet-stream"
        return "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "application/x-ole-storage"  # legacy .doc/.xls
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<edXML") or stripped.startswith(b"<"):
        return "application/xml" if not stripped[:15].lower().startswith((b"<!doctype html", b"<html")) \
            else "text/html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "application/octet-stream"
    return "text/plain"


def _chunks(source: BinaryIO | bytes | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(source, bytes | bytearray):
        yield bytes(source)
        return
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK)
        return
    if hasattr(source, "read"):
        while chunk := source.read(CHUNK):
            yield chunk
        return
    yield from source


def store_file(
    source: BinaryIO | bytes,
    *,
    max_bytes: int | None = None,
    allowed_types: Iterable[str] | None = None,
) -> StoredFile:
    """Store bytes once, by SHA-256.  Raises TooLarge/UnsupportedType/ValidationFailed."""
    limit = max_bytes if max_bytes is not None else settings.CONGVU_MAX_UPLOAD_BYTES
    allowed = set(allowed_types if allowed_types is not None else settings.CONGVU_ALLOWED_CONTENT_TYPES)
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as tmp:
        for chunk in _chunks(source):
            size += len(chunk)
            if size > limit:
                raise TooLarge(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": _mb(limit)})
            digest.update(chunk)
            tmp.write(chunk)
        if size == 0:
            raise ValidationFailed(_("Tệp rỗng."), code="empty_file")
        tmp.seek(0)
        head = tmp.read(2048)
        content_type = sniff_type(head, tmp)
        if content_type not in allowed:
            raise UnsupportedType(
                _("Loại tệp không được chấp nhận (%(type)s).") % {"type": content_type}
            )
        sha = digest.hexdigest()
        existing = StoredFile.objects.filter(sha256=sha).first()
        if existing is not None:
            return existing
        name = f"cas/{sha[:2]}/{sha[2:4]}/{sha}"
        st = storage()
        if not st.exists(name):
            tmp.seek(0)
            saved = st.save(name, File(tmp, name=sha))
            if saved != name:  # another process stored the same bytes meanwhile
                st.delete(saved)
        try:
            with transaction.atomic():
                return StoredFile.objects.create(sha256=sha, size=size, content_type=content_type,
                                                 storage_name=name)
        except IntegrityError:
            return StoredFile.objects.get(sha256=sha)


def store_bytes(data: bytes, **kwargs) -> StoredFile:
    return store_file(io.BytesIO(data), **kwargs)


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f}" if limit >= 1024 * 1024 else f"{limit / (1024 * 1024):.2f}"
