"""``congvu demo``: migrate, load the demo city, serve it on http://127.0.0.1:8000."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from congvu.org.demo import DEMO_LOGINS, DEMO_PASSWORD
from congvu.web.demo import load_all


class Command(BaseCommand):
    help = "Set up and serve the platform with the demo city (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the data but do not start the server")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args, no_serve: bool, addrport: str, **options):
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo city…")
        load_all(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<18} {what}")
        if no_serve:
            return
        self.stdout.write(f"Serving on http://{addrport}/  (Ctrl+C to stop)")
        call_command("runserver", addrport, use_reloader=False)
