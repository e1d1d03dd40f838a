"""core.filetext: the text of a text, PDF or DOCX file, and a clear error for everything else."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader, PdfWriter
from samples import docx_bytes

from congvu.core.filetext import FileTextError, kind_of, text_of

BODY = "Giao Sở Nội vụ chủ trì, phối hợp với Sở Thông tin và Truyền thông báo cáo trước ngày 25/3/2020."


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>THÔNG BÁO</p><p>{BODY}</p></body></html>").write_pdf()


@pytest.fixture(scope="module")
def blank_pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html><body><div style='width:5cm;height:5cm;background:#000'></div></body></html>"
                ).write_pdf()


def test_utf8_and_nfd_text_become_nfc():
    nfd = unicodedata.normalize("NFD", BODY)
    assert text_of(nfd.encode("utf-8")) == BODY
    assert text_of(b"\xef\xbb\xbf" + BODY.encode()) == BODY
    assert text_of(BODY.encode("utf-16")) == BODY


def test_legacy_tcvn3_text_is_converted():
    # "Sở Nội vụ" typed with a TCVN3 (ABC) font, saved as cp1252 bytes.
    tcvn3 = "Giao Së Néi vô chñ tr×".encode("cp1252")
    assert text_of(tcvn3) == "Giao Sở Nội vụ chủ trì"


def test_pdf_text_layer(pdf_bytes):
    text = text_of(pdf_bytes)
    assert "Sở Nội vụ" in text and "25/3/2020" in text
    assert unicodedata.is_normalized("NFC", text)


def test_docx_paragraphs_and_tables_in_order():
    table = [["STT", "Nhiệm vụ", "Cơ quan chủ trì"], ["1", "Rà soát", "Sở Tư pháp"]]
    data = docx_bytes(["THÔNG BÁO", BODY], table=table)
    text = text_of(data)
    assert text.splitlines()[0] == "THÔNG BÁO"
    assert "1 | Rà soát | Sở Tư pháp" in text


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"   \n\t ", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "no_text_layer"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "unsupported_type"),
    (b"PK\x03\x04garbage", "malformed_docx"),
    (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "malformed_pdf"),
])
def test_unreadable_inputs_raise_clear_errors(data, code):
    with pytest.raises(FileTextError) as err:
        text_of(data)
    assert err.value.code == code
    assert err.value.message  # a sentence for a person


def test_truncated_pdf_is_malformed_or_textless(pdf_bytes):
    with pytest.raises(FileTextError) as err:
        text_of(pdf_bytes[: len(pdf_bytes) // 3])
    assert err.value.code in {"malformed_pdf", "no_text_layer"}


def test_pdf_without_text_layer(blank_pdf_bytes):
    with pytest.raises(FileTextError) as err:
        text_of(blank_pdf_bytes)
    assert err.value.code == "no_text_layer"
    assert "OCR" in err.value.message


def test_encrypted_pdf(pdf_bytes):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.encrypt(user_password="bi-mat", owner_password="chu-so-huu", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(FileTextError) as err:
        text_of(buf.getvalue())
    assert err.value.code == "encrypted_pdf"


def test_owner_password_only_pdf_is_read(pdf_bytes):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert "Sở Nội vụ" in text_of(buf.getvalue())


def test_size_limits():
    with pytest.raises(FileTextError) as err:
        text_of(b"a" * 2000, max_text_bytes=1000)
    assert err.value.code == "too_large"
    with pytest.raises(FileTextError) as err:
        text_of(b"%PDF-" + b"a" * 2000, max_file_bytes=1000)
    assert err.value.code == "too_large"


def test_kind_of():
    assert kind_of(b"%PDF-1.4") == "pdf"
    assert kind_of(docx_bytes(["x"])) == "docx"
    assert kind_of("Số: 12/TB-UBND".encode()) == "text"
