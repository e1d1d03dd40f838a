"""Fixtures of the signing tests: one demo PKI and one Decree 30 draft per session."""

from __future__ import annotations

import pytest
from signing_helpers import SIGNER_NAME

from congvu.signing import samples


@pytest.fixture(scope="session")
def pki(signing_pki):
    return signing_pki  # one demo PKI for the whole test session (tests/conftest.py)


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
