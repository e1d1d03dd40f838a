"""``congvu org list --json`` and ``congvu org import FILE [--kind KIND]``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import DomainError
from congvu.org import importers, selectors


class Command(BaseCommand):
    help = "Organisation: list agencies, import structure and staff from CSV/Excel."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="list agencies")
        ls.add_argument("--json", action="store_true", help="JSON array for scripts")
        ls.add_argument("--on", help="only agencies valid on this date")
        ls.add_argument("--current", action="store_true", help="only agencies valid today")
        imp = sub.add_parser("import", help="import agencies/units/rooms/staff from CSV or Excel")
        imp.add_argument("path")
        imp.add_argument("--kind", choices=importers.KINDS, help="kind of rows (required for CSV)")
        imp.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, action, **options):
        if action == "list":
            self._list(options)
        else:
            self._import(options)

    def _list(self, options):
        on = None
        if options.get("on"):
            try:
                on = parse_date(options["on"])
            except DateParseError as exc:
                raise CommandError(f"bad --on date: {exc}") from None
        if options.get("current"):
            on = dt.date.today()
        agencies = selectors.agency_list(on=on)
        if options["json"]:
            rows = [{
                "code": a.code, "short_name": a.short_name, "name": a.name, "kind": a.kind,
                "parent": a.parent.code if a.parent else None,
                "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
                "exempt_from_onsite_limits": a.exempt_from_onsite_limits,
            } for a in agencies]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=None))
            return
        for a in agencies:
            ended = f"  (đến {a.valid_to:%d/%m/%Y})" if a.valid_to else ""
            self.stdout.write(f"{'  ' * a.depth}{a.code}  {a.short_name}  {a.name}{ended}")

    def _import(self, options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > importers.MAX_BYTES:
            raise CommandError("file too large (max 20 MB)")
        try:
            result = importers.import_file(path.read_bytes(), filename=path.name, kind=options.get("kind"))
        except importers.ImportFailed as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "errors": exc.details["errors"]}, ensure_ascii=False))
            for error in exc.result.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, "created": result.created}, ensure_ascii=False))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.created.items()))
