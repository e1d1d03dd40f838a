"""API authentication: bearer tokens, or the browser session with CSRF."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = (ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first())
        if row is None or not row.is_active or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class StaffSessionAuth(SessionAuth):
    """Session cookie auth; ninja checks CSRF for unsafe methods."""


api_auth = [TokenAuth(), StaffSessionAuth()]
