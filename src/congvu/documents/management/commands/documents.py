"""``congvu documents import PATH... --agency CODE [--direction incoming|outgoing]`` and
``congvu documents search QUERY [--agency CODE] [--limit N] --json``."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.core.errors import DomainError
from congvu.core.filetext import FileTextError
from congvu.documents import importer
from congvu.documents import selectors as doc_selectors
from congvu.org.selectors import agency_by_code

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Official documents: import files from older systems, search."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="register files (metadata read from each file)")
        imp.add_argument("paths", nargs="+", metavar="PATH")
        imp.add_argument("--agency", required=True, help="identifier code of the agency (mã định danh)")
        imp.add_argument("--direction", choices=["incoming", "outgoing"], default="incoming")
        imp.add_argument("--quiet", action="store_true", help="no progress on stderr")
        imp.add_argument("--jobs", type=int, default=max(2, min(4, 2 * (os.cpu_count() or 1))),
                         help="processes reading the files' text (default: 2 per CPU, 2 to 4)")
        se = sub.add_parser("search", help="full-text search")
        se.add_argument("query")
        se.add_argument("--agency", help="only documents of this agency (identifier code)")
        se.add_argument("--limit", type=int, default=20)
        se.add_argument("--json", action="store_true", help="print a JSON array")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                self._import(options)
            else:
                self._search(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _read_all(self, paths: list[str], jobs: int):
        """(path, bytes, text, error, meta) in order; text extraction and prefill in worker processes."""
        existing = [p if Path(p).is_file() else None for p in paths]
        if jobs <= 1 or len(paths) < 8:
            for raw, ok in zip(paths, existing, strict=True):
                yield (raw, *importer.read(raw)) if ok else (raw, None, None, f"không có tệp: {raw}", None)
            return
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            window = jobs * 8
            for start in range(0, len(paths), window):
                chunk = list(paths[start:start + window])
                futures = [pool.submit(importer.read, p) if existing[start + j] else None
                           for j, p in enumerate(chunk)]
                for raw, fut in zip(chunk, futures, strict=True):
                    yield (raw, *fut.result()) if fut else (raw, None, None, f"không có tệp: {raw}", None)

    def _import(self, options):
        agency = agency_by_code(options["agency"])
        paths = options["paths"]
        if not 1 <= options["jobs"] <= 64:
            raise CommandError("--jobs phải từ 1 đến 64")
        started = time.monotonic()
        failed = 0
        for i, (raw, data, text, error, meta) in enumerate(self._read_all(paths, options["jobs"]), start=1):
            try:
                if error:
                    raise importer.ImportError_(error)
                doc = importer.import_file(data=data, name=Path(raw).name, agency=agency,
                                           direction=options["direction"], text=text, meta=meta)
            except (importer.ImportError_, DomainError, FileTextError, OSError) as exc:
                failed += 1
                self.stdout.write(json.dumps({"file": raw, "error": str(exc)}, ensure_ascii=False))
            except Exception as exc:  # noqa: BLE001 - one odd file must not stop a migration of thousands
                failed += 1
                log.exception("import of %s failed", raw)
                self.stdout.write(json.dumps({"file": raw, "error": f"lỗi không mong đợi ({exc.__class__.__name__})"},
                                             ensure_ascii=False))
            else:
                self.stdout.write(json.dumps({"file": raw, "id": doc.pk, "number": doc.register_number,
                                              "reference": doc.reference}, ensure_ascii=False))
            if not options["quiet"] and (len(paths) >= 20 and (i % 10 == 0 or i == len(paths))):
                rate = i / max(time.monotonic() - started, 1e-6)
                self.stderr.write(f"\r{i}/{len(paths)} tệp, {rate:.1f} tệp/giây, lỗi {failed}",
                                  ending="\n" if i == len(paths) else "")
                self.stderr.flush()
        if failed:  # after every file was tried: scripts see a non-zero exit
            raise CommandError(f"{failed}/{len(paths)} tệp không nhập được (xem các dòng \"error\")")

    def _search(self, options):
        limit = options["limit"]
        if not 1 <= limit <= 200:
            raise CommandError("--limit phải từ 1 đến 200")
        if len(options["query"]) > 1000:
            raise CommandError("từ khóa quá dài")
        agency_id = agency_by_code(options["agency"]).pk if options.get("agency") else None
        user = importer.system_user()
        hits, total = doc_selectors.search(user, options["query"], agency_id=agency_id, limit=limit)
        docs = {d.pk: d for d in doc_selectors.documents_by_ids(user, [h.document_id for h in hits])}
        rows = [{"id": d.pk, "number": d.number, "symbol": d.symbol, "reference": d.reference, "subject": d.subject,
                 "date": (d.issued_on or d.received_on).isoformat() if (d.issued_on or d.received_on) else None,
                 "agency": d.agency.code, "direction": d.direction, "status": d.status, "score": round(h.score, 6)}
                for h in hits if (d := docs.get(h.document_id))]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(f"{r['id']:>8}  {r['reference'] or '—':<20} {r['date'] or '':<10}  {r['subject']}")
        self.stdout.write(f"({total} kết quả)")


