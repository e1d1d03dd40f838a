"""``congvu extract FILE [FILE ...] [--json]`` and ``congvu extract --evaluate DIR [DIR ...]``.

One file with ``--json``: one JSON object.  Several files: one JSON object per line (JSON Lines).
A file that cannot be read gives a message on stderr; the other files are still read and the
command exits non-zero at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.core.dates import DateParseError, parse_date
from congvu.directives.extract import MAX_FILE_BYTES, ExtractError, extract_file
from congvu.directives.selectors import known_agencies


class Command(BaseCommand):
    help = "Read administrative documents: metadata and assigned tasks (text, PDF with text layer, DOCX)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="files to read (.txt, .pdf, .docx)")
        parser.add_argument("--json", action="store_true", help="JSON output (JSON Lines for several files)")
        parser.add_argument("--today", help="year for deadlines without one when the document has no date")
        parser.add_argument("--evaluate", nargs="+", metavar="DIR",
                            help="score the reader on folders of labelled documents (<id>.txt + <id>.json)")
        parser.add_argument("--mistakes", action="store_true", help="with --evaluate: list every mismatch")
        parser.add_argument("--no-db", action="store_true", help="do not load known agencies from the database")

    def handle(self, *args, files, **options):
        agencies = [] if options["no_db"] else known_agencies()
        if options.get("evaluate"):
            return self._evaluate(options["evaluate"], agencies, options)
        if not files:
            raise CommandError("give at least one file (or --evaluate DIR)")
        today = None
        if options.get("today"):
            try:
                today = parse_date(options["today"])
            except DateParseError as exc:
                raise CommandError(f"bad --today: {exc}") from None
        failed = 0
        several = len(files) > 1
        for name in files:
            path = Path(name)
            try:
                if not path.is_file():
                    raise ExtractError("not_found", "Không tìm thấy tệp.")
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise ExtractError("too_large", f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")
                result = extract_file(path.read_bytes(), agencies=agencies, today=today)
            except ExtractError as exc:
                failed += 1
                self.stderr.write(f"{name}: {exc.message} [{exc.code}]")
                continue
            except OSError as exc:
                failed += 1
                self.stderr.write(f"{name}: không đọc được tệp ({exc.strerror or exc}) [io_error]")
                continue
            result = {"id": path.stem, **result}
            if options["json"]:
                if several:
                    self.stdout.write(json.dumps(result, ensure_ascii=False))
                else:
                    self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(self._human(name, result))
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be read", returncode=1)

    def _human(self, name: str, result: dict) -> str:
        doc = result["document"]
        out = [f"# {name}"]
        for key in ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority"):
            out.append(f"{key:>13}: {doc[key] if doc[key] is not None else '—'}")
        if doc["recipients"]:
            out.append("   recipients: " + "; ".join(doc["recipients"]))
        out.append(f"        tasks: {len(result['tasks'])}")
        for i, task in enumerate(result["tasks"], 1):
            out.append(f"  {i}. [{task['lead']}]" + (" (implicit)" if task["implicit_lead"] else ""))
            if task["coordinators"]:
                out.append("     phối hợp: " + "; ".join(task["coordinators"]))
            if task["deadline_text"]:
                out.append(f"     hạn: {task['deadline'] or '—'} ({task['deadline_text']})")
            if task["report_to"]:
                out.append(f"     báo cáo: {task['report_to']}")
            out.append(f"     {task['action']}")
        return "\n".join(out)

    def _evaluate(self, dirs: list[str], agencies: list[str], options) -> None:
        from congvu.directives.evaluate import Score, evaluate_dir, format_report

        total = Score()
        reports = {}
        for d in dirs:
            path = Path(d)
            if not path.is_dir():
                raise CommandError(f"not a folder: {d}")
            score = evaluate_dir(path, agencies=agencies)
            total.add(score)
            reports[d] = score
        if options["json"]:
            out = {d: s.report() for d, s in reports.items()}
            if len(dirs) > 1:
                out["all"] = total.report()
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for d, s in reports.items():
            self.stdout.write(format_report(d, s.report()))
            if options["mistakes"]:
                for m in s.mistakes:
                    self.stdout.write("   ! " + json.dumps(m, ensure_ascii=False))
        if len(dirs) > 1:
            self.stdout.write(format_report("all", total.report()))
