"""Import rate with text extraction: ``congvu documents import`` over generated PDF and DOCX files.

    .venv/bin/python bench/bench_documents_import.py --files 300            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench_import \
        .venv/bin/python bench/bench_documents_import.py --files 300        # or a throw-away PostgreSQL db

Files are made first (not timed): one WeasyPrint PDF of N/2 pages split into one-page PDFs with pypdf,
and N/2 DOCX files with python-docx; each has its own "Số: …" line, place/date line and subject, so
the reader pre-fills them and none is a duplicate.  Then the real command runs over all of them (text
extraction, prefill, registration, file storage, audit, search row) and the rate is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SUBJECTS = ["triển khai cải cách hành chính", "tăng cường chuyển đổi số", "phòng chống thiên tai",
            "kiện toàn tổ chức bộ máy", "quyết toán ngân sách", "tuyển dụng công chức", "an toàn thông tin"]


def make_files(n: int, folder: Path) -> list[str]:
    import docx
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    half = n // 2
    pages = "".join(
        f"<section style='page-break-after: always'><p>ỦY BAN NHÂN DÂN TỈNH THỬ</p><p>Số: {i + 1}/UBND-VP</p>"
        f"<p>Hải Phòng, ngày {1 + i % 28:02d} tháng {1 + i % 11} năm 2026</p>"
        f"<p>V/v {SUBJECTS[i % len(SUBJECTS)]} đợt {i}</p><p>{'Nội dung chi tiết của công văn. ' * 40}</p></section>"
        for i in range(half))
    big = PdfReader(io.BytesIO(HTML(string=f"<html><body>{pages}</body></html>").write_pdf()))
    paths = []
    for i, page in enumerate(big.pages):
        w = PdfWriter()
        w.add_page(page)
        p = folder / f"cv-{i:05d}.pdf"
        with p.open("wb") as fh:
            w.write(fh)
        paths.append(str(p))
    for i in range(n - half):
        d = docx.Document()
        for line in ["SỞ THỬ NGHIỆM", f"Số: {i + 1}/KH-STN", f"Hà Nội, ngày {1 + i % 28:02d} tháng 3 năm 2026",
                     "KẾ HOẠCH", f"Thực hiện {SUBJECTS[i % len(SUBJECTS)]} số {i}",
                     "Nội dung kế hoạch. " * 60]:
            d.add_paragraph(line)
        p = folder / f"kh-{i:05d}.docx"
        d.save(str(p))
        paths.append(str(p))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="congvu-import-bench-"))
    os.environ.setdefault("CONGVU_DATA_DIR", str(tmp / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and "bench" not in connection.settings_dict["NAME"]:
        sys.exit("use a throw-away PostgreSQL database whose name contains 'bench'")
    settings.MEDIA_ROOT = str(tmp / "media")
    call_command("migrate", verbosity=0)
    from congvu.org.models import Agency

    agency = Agency.objects.create(code="000.00.88.B99", name="Sở Thử nhập", short_name="STN")
    files_dir = tmp / "files"
    files_dir.mkdir()
    t = time.monotonic()
    paths = make_files(args.files, files_dir)
    made_s = time.monotonic() - t
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    from django.core.management import CommandError

    try:
        call_command("documents", "import", *paths, "--agency", agency.code, stdout=out, stderr=err)
    except CommandError as exc:  # some files failed: reported below
        print(exc, file=sys.stderr)
    elapsed = time.monotonic() - started
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    for x in lines:
        if "error" in x:
            print(x, file=sys.stderr)
    ok = sum(1 for x in lines if "id" in x)
    print(json.dumps({"database": connection.vendor, "files": len(paths), "imported": ok,
                      "errors": len(lines) - ok, "elapsed_s": round(elapsed, 2),
                      "docs_per_s": round(ok / elapsed, 1), "file_generation_s": round(made_s, 1)}, indent=2))


if __name__ == "__main__":
    main()
