"""Shared fixtures: isolated file storage, fast password hashing, the demo-like organisation."""

from __future__ import annotations

import pytest

import factories


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Argon2 is the production hasher (checked in test_accounts_security); MD5 keeps tests fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    from django.core.cache import cache

    cache.clear()
    from congvu.core.selectors import invalidate_calendar

    invalidate_calendar()


@pytest.fixture
def org(db):
    """Two agencies under a province committee, each with a clerk, a leader and a specialist."""
    return factories.build_org()


@pytest.fixture
def api_client(client):
    return client


@pytest.fixture(scope="session")
def signing_pki():
    """The demo PKI of the test session (root CA, leader and organisation PKCS#12 files, bad certificates)."""
    from asn1crypto import x509

    from congvu.signing import pki as pki_mod

    made = factories.signing_pki()
    made.ca_asn1 = x509.Certificate.load(made.ca.cert.public_bytes(pki_mod.serialization.Encoding.DER))
    return made


@pytest.fixture
def trust_test_ca(settings, signing_pki):
    """Verification trusts the test CA (like the demo CA in demo mode)."""
    settings.CONGVU_TRUST_ROOTS = [str(signing_pki.files["ca"])]
    settings.CONGVU_SIGNING_DEMO = True
    settings.CONGVU_TSA_URL = ""
    return signing_pki


@pytest.fixture
def signed_org(org, trust_test_ca):
    """``org`` whose leaders and agencies have demo signing credentials (approval and issuance sign)."""
    org.credentials = factories.give_signing_credentials(org)
    return org
