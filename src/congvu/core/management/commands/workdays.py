"""``congvu workdays add DATE N`` and ``congvu workdays is-working DATE``."""

from django.core.management.base import BaseCommand, CommandError

from congvu.core.dates import DateParseError, parse_date
from congvu.core.selectors import work_calendar


class Command(BaseCommand):
    help = "Working-day arithmetic of the public administration's calendar."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="DATE + N working days (DATE not counted, N ≥ 1)")
        add.add_argument("date")
        add.add_argument("n")
        check = sub.add_parser("is-working", help="print yes or no")
        check.add_argument("date")
        count = sub.add_parser("count", help="working days in (START, END]")
        count.add_argument("start")
        count.add_argument("end")

    def handle(self, *args, action, **options):
        calendar = work_calendar()
        if action == "add":
            day = self._date(options["date"])
            raw_n = options["n"].strip()
            if not raw_n.isdigit() or int(raw_n) < 1:
                raise CommandError(f"N must be a whole number of working days ≥ 1, got {options['n']!r}")
            n = int(raw_n)
            if n > 10000:
                raise CommandError("N must be at most 10000 working days")
            self.stdout.write(calendar.add_working_days(day, n).isoformat())
        elif action == "is-working":
            self.stdout.write("yes" if calendar.is_working_day(self._date(options["date"])) else "no")
        else:
            self.stdout.write(str(calendar.count_working_days(self._date(options["start"]),
                                                              self._date(options["end"]))))

    @staticmethod
    def _date(text: str):
        try:
            day = parse_date(text)
        except DateParseError as exc:
            raise CommandError(f"bad DATE: {exc}") from None
        if not 1900 <= day.year <= 2200:
            raise CommandError(f"bad DATE: year {day.year} is outside 1900–2200")
        return day
