"""Fixtures of the signing tests: one demo PKI and one Decree 30 draft per session."""

from __future__ import annotations

import pytest
from asn1crypto import x509
from signing_helpers import SIGNER_NAME

from congvu.signing import pki as pki_mod
from congvu.signing import samples


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    out = tmp_path_factory.mktemp("pki")
    made = pki_mod.make_demo_pki(out, "demo")
    made.dir = out
    made.ca_asn1 = x509.Certificate.load(made.ca.cert.public_bytes(pki_mod.serialization.Encoding.DER))
    return made


@pytest.fixture(scope="session")
def draft_pdf() -> bytes:
    return samples.decree30_pdf(signer=SIGNER_NAME, agency="Sở Nội vụ", symbol="QĐ-SNV")


@pytest.fixture(autouse=True)
def _signing_settings(settings, tmp_path, pki):
    settings.DATA_DIR = tmp_path / "data"
    settings.CONGVU_TRUST_ROOTS = [str(pki.files["ca"])]
    settings.CONGVU_SIGNING_CRLS = []
    settings.CONGVU_TSA_URL = ""
    settings.CONGVU_SIGNING_DEMO = True
