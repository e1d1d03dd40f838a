"""Reading the signing settings: trust roots, CRLs, the timestamp authority, fallback boxes."""

from __future__ import annotations

import logging
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from django.conf import settings

from .verify import load_certificates

log = logging.getLogger(__name__)


def demo_pki_dir() -> Path:
    return Path(settings.DATA_DIR) / "signing" / "demo-pki"


def trust_roots() -> list:
    """Certificates of CONGVU_TRUST_ROOTS (+ the demo CA in demo mode). Unreadable files are logged."""
    paths = [Path(p) for p in settings.CONGVU_TRUST_ROOTS]
    if settings.CONGVU_SIGNING_DEMO and (demo_pki_dir() / "ca.pem").exists():
        paths.append(demo_pki_dir() / "ca.pem")
    certs = []
    for path in paths:
        try:
            certs.extend(load_certificates(path.read_bytes()))
        except (OSError, ValueError) as exc:
            log.error("trust root %s unreadable: %s", path, type(exc).__name__)
    return certs


def crls() -> list:
    out = []
    for path in settings.CONGVU_SIGNING_CRLS:
        try:
            data = Path(path).read_bytes()
            if pem.detect(data):
                data = pem.unarmor(data)[2]
            crl = asn1_crl.CertificateList.load(data)
            _ = crl.issuer
            out.append(crl)
        except (OSError, ValueError) as exc:
            log.error("CRL %s unreadable: %s", path, type(exc).__name__)
    return out


def timestamper():
    """pyHanko's HTTP timestamp client for CONGVU_TSA_URL, or None."""
    url = settings.CONGVU_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=settings.CONGVU_TSA_TIMEOUT)


def fallback(setting: str) -> tuple[int, tuple[float, float, float, float]]:
    values = list(getattr(settings, setting))
    return int(values[0]), tuple(values[1:5])
