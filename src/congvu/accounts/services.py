"""Writes of accounts: API tokens, password changes.  Each writes an audit event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import NotFound, ValidationFailed
from congvu.core.text import normalize

from .models import ApiToken, User

MAX_TOKEN_DAYS = 366


@transaction.atomic
def token_create(*, user: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the raw key (shown once, never stored)."""
    name = normalize(name).strip()
    if not name:
        raise ValidationFailed(_("Cần đặt tên cho khóa API."), field="name")
    if len(name) > 100:
        raise ValidationFailed(_("Tên khóa API tối đa 100 ký tự."), field="name")
    if days is not None and not (1 <= days <= MAX_TOKEN_DAYS):
        raise ValidationFailed(_("Thời hạn khóa API từ 1 đến %(max)s ngày.") % {"max": MAX_TOKEN_DAYS},
                               field="days")
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[3:11], key_hash=ApiToken.hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(action="token.create", actor=user, obj=token, changes={"name": [None, name]})
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("Không tìm thấy khóa API."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="token.revoke", actor=user, obj=token)
    return token


def token_purge_expired() -> int:
    """Delete tokens expired or revoked more than 30 days ago (housekeeping)."""
    cutoff = timezone.now() - dt.timedelta(days=30)
    deleted, _detail = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    deleted2, _detail = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + deleted2
