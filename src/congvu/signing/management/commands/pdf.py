"""``congvu pdf sign`` and ``congvu pdf verify``: sign and check PDFs from scripts.

    congvu pdf sign IN.pdf OUT.pdf --p12 FILE --password PW [--reason TEXT] [--visible]
    congvu pdf verify FILE.pdf [--trust CA.pem ...] [--json]

``verify`` exits 0 only when every signature is valid; any bad input is a message on stderr and a
non-zero exit (1: checked and not valid / could not sign; 2: usage).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

MAX_BYTES = 200 * 1024 * 1024


def _read(path: str, what: str, limit: int = MAX_BYTES) -> bytes:
    p = Path(path)
    try:
        if not p.is_file():
            raise CommandError(f"{what}: no such file: {path}")
        if p.stat().st_size > limit:
            raise CommandError(f"{what}: file too large: {path}")
        return p.read_bytes()
    except OSError as exc:
        raise CommandError(f"{what}: cannot read {path}: {exc.strerror or exc}") from None


class Command(BaseCommand):
    help = "Sign a PDF with a PKCS#12 file, or verify a PDF's signatures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="add a PAdES signature")
        sign.add_argument("input")
        sign.add_argument("output")
        sign.add_argument("--p12", required=True, help="PKCS#12 file (.p12/.pfx)")
        sign.add_argument("--password", required=True, help="password of the PKCS#12 file")
        sign.add_argument("--reason", default="", help="reason written in the signature")
        sign.add_argument("--visible", action="store_true", help="draw the signature on the last page")
        verify = sub.add_parser("verify", help="check every signature of a PDF")
        verify.add_argument("file")
        verify.add_argument("--trust", action="append", default=[], help="PEM file of a trusted CA (repeatable)")
        verify.add_argument("--json", action="store_true", help="print the JSON report")

    def handle(self, *args, **options):
        if options["action"] == "sign":
            return self._sign(options)
        return self._verify(options)

    def _sign(self, options):
        from congvu.core.errors import DomainError
        from congvu.signing import appearance, conf, layout, pdfsign
        from congvu.signing.backends import Pkcs12Backend, describe_certificate

        data = _read(options["input"], "input")
        p12 = _read(options["p12"], "p12", 1024 * 1024)
        backend = Pkcs12Backend(data=p12, password=options["password"])
        try:
            visible = None
            if options["visible"]:
                cert = backend.certificate()
                name = str(describe_certificate(cert)["common_name"])
                place = layout.signature_place(data, name, fallback=conf.fallback("CONGVU_SIGNING_SIGNATURE_BOX"))
                x1, y1, x2, y2 = place.box
                look = appearance.signature_appearance(width=x2 - x1, height=y2 - y1, image=None, name=name)
                visible = pdfsign.Visible(place.page, place.box, look)
            signed = pdfsign.sign_pdf(data, backend, reason=options["reason"] or None, visible=visible,
                                      timestamper=conf.timestamper())
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        try:
            Path(options["output"]).write_bytes(signed)
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror or exc}") from None
        sys.stdout.write(f"signed: {options['output']}\n")

    def _verify(self, options):
        from congvu.signing import conf
        from congvu.signing.verify import cli_view, load_certificates, verify_pdf

        data = _read(options["file"], "file")
        roots = []
        for path in options["trust"]:
            try:
                roots.extend(load_certificates(_read(path, "trust", 1024 * 1024)))
            except ValueError:
                raise CommandError(f"trust: not a PEM/DER certificate: {path}") from None
        roots.extend(conf.trust_roots())
        report = verify_pdf(data, trust_roots=roots, crls=conf.crls())
        if options["json"]:
            sys.stdout.write(json.dumps(cli_view(report), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(report["verdict"] + "\n")
            for s in report["signatures"]:
                sys.stdout.write(f"- {s['signer']}: {s['verdict']} ({s['signed_at']})\n")
                for m in s["messages"]:
                    sys.stdout.write(f"    {m}\n")
        if report["errors"]:
            sys.stderr.write("; ".join(report["errors"]) + "\n")
        if not report["ok"]:
            sys.stdout.flush()
            sys.exit(1)
