"""The text of a file: plain text, PDF (its text layer) and DOCX, as repaired Unicode NFC.

Pure Python (no Django), shared by the document reader (``directives.extract``), the
documents app (search index, import) and anything else that needs "the words of this file".

The type is sniffed from the bytes, never taken from the name.  Every failure is a
:class:`FileTextError` with a message a person can act on (Vietnamese) and a stable
``code``: ``empty``, ``too_large``, ``binary``, ``malformed_pdf``, ``encrypted_pdf``,
``no_text_layer`` (a scan: needs OCR), ``malformed_docx``, ``unsupported_type``.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from .text import decode_bytes, repair

# Text input beyond this is refused: no genuine administrative document is larger.
MAX_TEXT_BYTES = 20 * 1024 * 1024
# Files beyond this are refused before parsing (PDF/DOCX with images can be large).
MAX_FILE_BYTES = 100 * 1024 * 1024

_PDF = "pdf"
_DOCX = "docx"
_TEXT = "text"


class FileTextError(ValueError):
    """The file has no text we can read.  ``str(err)`` is a message for a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def kind_of(data: bytes) -> str:
    """``pdf``, ``docx``, ``text`` or raise FileTextError for anything else."""
    head = data[:2048]
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return _PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return _DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            raise FileTextError("malformed_docx", "Tệp nén/DOCX bị hỏng, không đọc được.") from None
        raise FileTextError("unsupported_type", "Tệp nén không phải văn bản Word (DOCX).")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileTextError("unsupported_type",
                            "Tệp Word/Excel định dạng cũ (.doc/.xls): hãy lưu lại thành DOCX hoặc PDF.")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")):
        raise FileTextError("no_text_layer", "Tệp ảnh không có lớp văn bản: cần nhận dạng ký tự (OCR).")
    if _looks_binary(head):
        raise FileTextError("binary", "Tệp không phải văn bản (dữ liệu nhị phân).")
    return _TEXT


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.05


def text_of(data: bytes, *, max_text_bytes: int = MAX_TEXT_BYTES, max_file_bytes: int = MAX_FILE_BYTES) -> str:
    """The repaired NFC text of ``data`` (a text, PDF or DOCX file)."""
    if not data or not data.strip():
        raise FileTextError("empty", "Tệp rỗng.")
    if len(data) > max_file_bytes:
        raise FileTextError("too_large", f"Tệp quá lớn (tối đa {max_file_bytes // (1024 * 1024)} MB).")
    kind = kind_of(data)
    if kind == _TEXT:
        if len(data) > max_text_bytes:
            raise FileTextError("too_large",
                                f"Tệp văn bản quá lớn (tối đa {max_text_bytes // (1024 * 1024)} MB).")
        text = decode_bytes(data)
    elif kind == _PDF:
        text = pdf_text(data)
    else:
        text = docx_text(data)
    if not text.strip():
        raise FileTextError("empty", "Tệp không có nội dung văn bản.")
    return text


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf logs every recoverable oddity of real-world PDFs; the caller gets errors as exceptions.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An owner-password-only PDF opens with the empty user password.
            try:
                if not reader.decrypt(""):
                    raise FileTextError("encrypted_pdf", "PDF được mã hóa bằng mật khẩu: không đọc được nội dung.")
            except (FileNotDecryptedError, NotImplementedError, ValueError):
                raise FileTextError("encrypted_pdf",
                                    "PDF được mã hóa bằng mật khẩu: không đọc được nội dung.") from None
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
    except FileTextError:
        raise
    except FileNotDecryptedError:
        raise FileTextError("encrypted_pdf", "PDF được mã hóa bằng mật khẩu: không đọc được nội dung.") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError):
        raise FileTextError("malformed_pdf", "Tệp PDF bị hỏng hoặc không đúng định dạng.") from None
    text = "\n\f\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise FileTextError("no_text_layer",
                            "PDF không có lớp văn bản (bản quét): cần nhận dạng ký tự (OCR) trước khi đọc.")
    return repair(text)


def docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError,
            TypeError, IndexError):
        raise FileTextError("malformed_docx", "Tệp DOCX bị hỏng, không đọc được.") from None
    except Exception as exc:  # noqa: BLE001 - lxml raises its own XMLSyntaxError family
        if exc.__class__.__module__.startswith("lxml"):
            raise FileTextError("malformed_docx", "Tệp DOCX bị hỏng, không đọc được.") from None
        raise
    lines: list[str] = []
    body = document.element.body
    # Walk paragraphs and tables in document order; a table row becomes one line, cells joined by " | ".
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if not row.tag.endswith("}tr"):
                    continue
                cells = []
                for cell in row:
                    if not cell.tag.endswith("}tc"):
                        continue
                    paras = ["".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                             for p in cell.iter() if p.tag.endswith("}p")]
                    cells.append(" ".join(p.strip() for p in paras if p.strip()))
                lines.append(" | ".join(cells))
    return repair("\n".join(lines))
