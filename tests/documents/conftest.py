"""Fixtures for the documents tests."""

from __future__ import annotations

import pytest
from documents_helpers import INCOMING_TEXT, make_pdf


@pytest.fixture(autouse=True)
def _default_search_backend():
    from congvu.documents import search

    search.use(None)
    yield
    search.use(None)


@pytest.fixture
def pdf_bytes():
    return make_pdf(INCOMING_TEXT)


@pytest.fixture
def org(org, trust_test_ca):
    """The documents flows sign at approval and issuance: the org comes with (demo) signing credentials."""
    import factories

    org.credentials = factories.give_signing_credentials(org)
    return org
