"""``congvu roster solve --input IN.json --output OUT.json [--time-limit S]`` and ``congvu roster check``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.core.selectors import work_calendar
from congvu.workforce import roster_io
from congvu.workforce.solver import check_plan, solve

MAX_TIME_LIMIT = 3600.0


def _read(path_text: str) -> dict:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    if path.stat().st_size > roster_io.MAX_BYTES:
        raise CommandError("input file too large (max 50 MB)")
    try:
        return roster_io.load_json(path.read_bytes())
    except roster_io.InputError as exc:
        raise CommandError(f"{path}: {exc}") from None


def _write_atomically(path: Path, data: dict) -> None:
    """The output appears whole or not at all."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise CommandError(f"no such directory for the output: {directory}")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".roster-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Roster planning on JSON files: solve a period's on-site/home plan, or check a plan."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sol = sub.add_parser("solve", help="plan who works on site and who from home")
        sol.add_argument("--input", required=True, help="problem JSON")
        sol.add_argument("--output", required=True, help="where to write the plan JSON")
        sol.add_argument("--time-limit", default="30", help="seconds for the solver (default 30)")
        chk = sub.add_parser("check", help="check a plan JSON against the rules of a problem JSON")
        chk.add_argument("--input", required=True, help="problem JSON")
        chk.add_argument("--plan", required=True, help="plan JSON (the output of `roster solve`)")

    def handle(self, *args, action, **options):
        data = _read(options["input"])
        calendar = work_calendar()
        try:
            problem = roster_io.parse_problem(data, calendar.working_days)
        except roster_io.InputError as exc:
            raise CommandError(f"{options['input']}: {exc}") from None
        if action == "solve":
            self._solve(problem, options)
        else:
            self._check(problem, options)

    def _solve(self, problem, options):
        try:
            limit = float(options["time_limit"])
        except (TypeError, ValueError):
            raise CommandError(f"--time-limit: {options['time_limit']!r} is not a number of seconds") from None
        if not 0 < limit <= MAX_TIME_LIMIT:
            raise CommandError(f"--time-limit: must be between 0 and {int(MAX_TIME_LIMIT)} seconds")
        result = solve(problem, time_limit=limit, num_workers=2)
        out = result.as_json()
        # one entry per working day of the period, also when there is no plan
        out["days"] = {d.isoformat(): result.days.get(d, []) for d in problem.days} if result.ok else {
            d.isoformat(): [] for d in problem.days}
        _write_atomically(Path(options["output"]), out)
        if result.ok:
            self.stdout.write(f"{result.status}: {len(problem.days)} working days, "
                              f"{result.stats['onsite_days']} on-site person-days, "
                              f"fairness gap {result.fairness_gap}")
            return
        for conflict in result.conflicts:
            self.stderr.write(conflict.message)
        raise CommandError(f"no plan: {result.status}", returncode=2)

    def _check(self, problem, options):
        path = Path(options["plan"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            raw = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: malformed JSON ({exc})") from None
        days = raw.get("days") if isinstance(raw, dict) else None
        if not isinstance(days, dict) or not all(isinstance(v, list) and all(isinstance(s, str) for s in v)
                                                 for v in days.values()):
            raise CommandError(f"{path}: expected {{\"days\": {{\"YYYY-MM-DD\": [staff ids]}}}}")
        plan = {}
        for key, ids in days.items():
            try:
                plan[roster_io._date(key, f"days[{key!r}]")] = ids
            except roster_io.InputError as exc:
                raise CommandError(f"{path}: {exc}") from None
        violations = check_plan(problem, plan)
        for v in violations:
            self.stdout.write(v.message)
        if violations:
            raise CommandError(f"{len(violations)} rule(s) broken", returncode=2)
        self.stdout.write("ok: every hard rule holds")
