"""Signatures per second with the PKCS#12 back-end, for a 1-page and a 50-page document.

    .venv/bin/python bench/bench_signing.py [--seconds 10]

Measures, in one process on one core: an invisible PAdES signature, a visible one (the appearance
rendered by WeasyPrint, as approve_step does), both opening the PKCS#12 file (PBKDF2 key
derivation) as every signing call does, one with the key kept open (pyHanko's own cost), and a
verification.  Each figure is the number of
operations completed in a fixed wall-clock window, after one warm-up operation.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time window per measurement")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
    os.environ.setdefault("CONGVU_DATA_DIR", tempfile.mkdtemp(prefix="congvu-bench-"))
    import django

    django.setup()
    from asn1crypto import x509

    from congvu.signing import appearance, layout, pdfsign, pki, samples
    from congvu.signing.backends import Pkcs12Backend
    from congvu.signing.verify import verify_pdf

    out = Path(tempfile.mkdtemp(prefix="congvu-bench-pki-"))
    made = pki.make_demo_pki(out, "demo", bad=False)
    ca = x509.Certificate.load(made.ca.cert.public_bytes(pki.serialization.Encoding.DER))
    p12 = made.files["leader"].read_bytes()
    name = "Nguyễn Văn An"
    docs = {n: samples.decree30_pdf(signer=name, pages=n) for n in (1, 50)}
    image = appearance.demo_signature_png(name)

    def invisible(pdf):
        return pdfsign.sign_pdf(pdf, Pkcs12Backend(data=p12, password="demo"))

    class Unlocked(Pkcs12Backend):  # the key opened once: what pyHanko itself costs per signature
        def __init__(self):
            with Pkcs12Backend(data=p12, password="demo").open() as signer:
                self._signer = signer

        @contextlib.contextmanager
        def open(self):
            yield self._signer

    unlocked = Unlocked()

    def preopened(pdf):
        return pdfsign.sign_pdf(pdf, unlocked)

    def visible(pdf):
        place = layout.signature_place(pdf, name, fallback=(-1, (360, 150, 490, 225)))
        x1, y1, x2, y2 = place.box
        look = appearance.signature_appearance(width=x2 - x1, height=y2 - y1, image=image, name=name)
        return pdfsign.sign_pdf(pdf, Pkcs12Backend(data=p12, password="demo"),
                                visible=pdfsign.Visible(place.page, place.box, look))

    def measure(fn, pdf) -> tuple[float, int]:
        fn(pdf)  # warm-up
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            fn(pdf)
            count += 1
        return count / (time.perf_counter() - start), count

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, window {args.seconds:.0f} s")
    for pages, pdf in docs.items():
        signed = invisible(pdf)
        assert verify_pdf(signed, trust_roots=[ca])["ok"]
        for label, fn, data in (("sign (invisible)", invisible, pdf), ("sign (visible stamp)", visible, pdf),
                                ("sign (key kept open)", preopened, pdf),
                                ("verify", lambda d: verify_pdf(d, trust_roots=[ca]), signed)):
            rate, n = measure(fn, data)
            print(f"{pages:>2}-page ({len(data) / 1024:7.0f} KiB)  {label:<22} {rate:7.2f} /s  ({n} ops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
