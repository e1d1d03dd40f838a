"""``congvu pki demo --out DIR [--password PW]``: a demo root CA and signing certificates."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Demo PKI: root CA, TSA, leader/organisation PKCS#12 files and bad certificates for tests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        demo = sub.add_parser("demo", help="write ca.pem, leader.p12, organisation.p12 … to DIR")
        demo.add_argument("--out", required=True, help="output directory")
        demo.add_argument("--password", default="demo", help="password of the .p12 files (default: demo)")

    def handle(self, *args, **options):
        from congvu.signing.pki import make_demo_pki

        password = options["password"]
        if not password:
            raise CommandError("the password must not be empty")
        try:
            pki = make_demo_pki(options["out"], password)
        except OSError as exc:
            raise CommandError(f"cannot write to {options['out']}: {exc.strerror or exc}") from None
        for name, path in sorted(pki.files.items()):
            sys.stdout.write(f"{name}\t{path}\n")
