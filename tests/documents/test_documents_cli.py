"""CLI: ``congvu documents import`` and ``congvu documents search``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from documents_helpers import INCOMING_TEXT, make_docx, make_pdf

from congvu.core.models import AuditEvent
from congvu.documents.models import Document, Register

pytestmark = pytest.mark.django_db


def run(*args, fails: bool = False) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    if fails:
        with pytest.raises(CommandError):
            call_command("documents", *args, stdout=out, stderr=err)
    else:
        call_command("documents", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()], err.getvalue()


def test_import_reports_one_json_line_per_file_and_failures_leave_nothing(tmp_path, org):
    good = tmp_path / "cv.pdf"
    good.write_bytes(make_pdf(INCOMING_TEXT))
    docx = tmp_path / "kh.docx"
    docx.write_bytes(make_docx("UBND TỈNH\nSố: 12/KH-UBND\nHải Phòng, ngày 10 tháng 3 năm 2026\nKẾ HOẠCH\n"
                               "Triển khai chuyển đổi số năm 2026"))
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 this is broken")
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes("Số: 7/UBND-VP\nHà Nội, ngày 02 tháng 02 năm 2026\nV/v Cải cách hành chính".encode("cp1252",
                                                                                                      "ignore"))
    lines, _ = run("import", str(good), str(docx), str(broken), str(tmp_path / "missing.pdf"),
                   "--agency", org.snv.code, fails=True)
    assert [set(x) & {"id", "error"} for x in lines] == [{"id"}, {"id"}, {"error"}, {"error"}]
    assert lines[0]["file"] == str(good) and lines[2]["file"] == str(broken)
    assert "PDF bị hỏng" in lines[2]["error"]
    first = Document.objects.get(pk=lines[0]["id"])
    assert first.reference == "15/BNV-CCHC" and first.register_number == 1 and first.issuer_name == "BỘ NỘI VỤ"
    second = Document.objects.get(pk=lines[1]["id"])
    assert second.doc_type == "ke_hoach" and second.subject == "Triển khai chuyển đổi số năm 2026"
    assert Document.objects.count() == 2 and Register.objects.get().last_number == 2
    # importing the same file again is a duplicate: an error line, nothing written
    lines, _ = run("import", str(good), "--agency", org.snv.code, fails=True)
    assert "error" in lines[0] and Document.objects.count() == 2
    assert AuditEvent.objects.filter(action="documents.incoming.register").count() == 2


def test_import_outgoing_keeps_the_printed_number(tmp_path, org):
    f = tmp_path / "qd.pdf"
    f.write_bytes(make_pdf("SỞ NỘI VỤ\nSố: 42/QĐ-SNV\nHải Phòng, ngày 03 tháng 11 năm 2025\nQUYẾT ĐỊNH\n"
                           "Về việc thành lập tổ công tác"))
    lines, _ = run("import", str(f), "--agency", org.snv.code, "--direction", "outgoing")
    doc = Document.objects.get(pk=lines[0]["id"])
    assert doc.status == "issued" and doc.number == 42 and doc.register.year == 2025
    assert doc.register.last_number == 42
    lines, _ = run("import", str(f), "--agency", org.snv.code, "--direction", "outgoing", fails=True)
    assert "đã có trong sổ" in lines[0]["error"] and Document.objects.count() == 1


def test_import_all_failed_exits_non_zero_and_progress_goes_to_stderr(tmp_path, org):
    lines, _ = run("import", str(tmp_path / "none.pdf"), "--agency", org.snv.code, fails=True)
    assert "không có tệp" in lines[0]["error"]
    run("import", str(tmp_path / "none.pdf"), "--agency", "KHONG.CO", fails=True)
    paths = []
    for i in range(20):
        p = tmp_path / f"{i}.pdf"
        p.write_bytes(make_pdf(f"Số: {i + 1}/UBND-VP\nHà Nội, ngày 02 tháng 02 năm 2026\n"
                               f"V/v Văn bản số {i} về đất đai"))
        paths.append(str(p))
    lines, err = run("import", *paths, "--agency", org.snv.code)
    assert len(lines) == 20 and all("id" in x for x in lines) and "20/20" in err


def test_search_json(tmp_path, org):
    f = tmp_path / "cv.pdf"
    f.write_bytes(make_pdf(INCOMING_TEXT))
    run("import", str(f), "--agency", org.snv.code)
    out = io.StringIO()
    call_command("documents", "search", "CAI CACH hanh chinh", "--json", "--agency", org.snv.code, stdout=out)
    hits = json.loads(out.getvalue())
    assert len(hits) == 1 and set(hits[0]) >= {"id", "number", "symbol", "subject", "date", "score"}
    assert hits[0]["number"] == 15 and hits[0]["date"] == "2026-01-05"
    out = io.StringIO()
    call_command("documents", "search", "cai cach", "--json", "--agency", org.stttt.code, stdout=out)
    assert json.loads(out.getvalue()) == []
    with pytest.raises(CommandError):
        call_command("documents", "search", "x", "--limit", "0", stdout=io.StringIO())


@pytest.mark.parametrize("use_pdftotext", [True, False])
def test_reader_with_and_without_poppler(tmp_path, monkeypatch, use_pdftotext):
    from pypdf import PdfReader, PdfWriter

    from congvu.documents import importer

    if not use_pdftotext:
        monkeypatch.setattr(importer, "PDFTOTEXT", None)
    elif importer.PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    good = tmp_path / "a.pdf"
    good.write_bytes(make_pdf(INCOMING_TEXT))
    data, text, error, meta = importer.read(str(good))
    assert error is None and "Số: 15/BNV-CCHC" in text and "cải cách hành chính" in text
    # The metadata is read in the worker too, so the main process only writes to the database.
    assert meta["number"] == 15 and meta["symbol"] == "BNV-CCHC"
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good.read_bytes())))
    writer.encrypt(user_password="x", owner_password="y")
    enc = tmp_path / "enc.pdf"
    with enc.open("wb") as fh:
        writer.write(fh)
    assert "mã hóa" in importer.read(str(enc))[2]
    assert importer.read(str(tmp_path / "none.pdf"))[2].startswith("không đọc được tệp")


def test_an_unexpected_failure_is_one_error_line_and_nothing_is_left(tmp_path, org, monkeypatch):
    from congvu.documents import search

    good = tmp_path / "cv.pdf"
    good.write_bytes(make_pdf(INCOMING_TEXT))

    def broken(doc):
        raise RuntimeError("index down")

    monkeypatch.setattr(search, "reindex", broken)
    lines, _ = run("import", str(good), "--agency", org.snv.code, fails=True)
    assert lines[0]["error"] == "lỗi không mong đợi (RuntimeError)"
    assert not Document.objects.exists() and not Register.objects.filter(last_number__gt=0).exists()
