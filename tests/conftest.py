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
