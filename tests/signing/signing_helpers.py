"""Helpers shared by the signing tests."""

from __future__ import annotations

import io
from types import SimpleNamespace

from asn1crypto import keys, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congvu.signing import _sync
from congvu.signing import pki as pki_mod
from congvu.signing.backends import Pkcs12Backend

SIGNER_NAME = "Lê Văn Lãnh Đạo"


def p12_backend(pki, stem: str = "leader", password: str = "demo") -> Pkcs12Backend:  # noqa: S107
    return Pkcs12Backend(data=pki.files[stem].read_bytes(), password=password)


def pyhanko_statuses(pdf: bytes, ca) -> list:
    """pyHanko's own validator on every signature (trusting ``ca``)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    # through _sync: the browser tests leave Playwright's event loop running in this thread
    return [_sync.call(validate_pdf_signature, s, ValidationContext(trust_roots=[ca]))
            for s in reader.embedded_signatures]


def tsa_parts(pki) -> SimpleNamespace:
    cert = x509.Certificate.load(pki.tsa.cert.public_bytes(pki_mod.serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(pki.tsa.key.private_bytes(
        pki_mod.serialization.Encoding.DER, pki_mod.serialization.PrivateFormat.PKCS8,
        pki_mod.serialization.NoEncryption()))
    return SimpleNamespace(cert=cert, key=key)
