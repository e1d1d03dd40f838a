"""Context every page needs: the signed-in person's staff profile and navigation."""

from __future__ import annotations

from .navigation import nav_items


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_staff": None, "nav_items": []}
    return {"current_staff": getattr(user, "staff", None), "nav_items": nav_items(request)}
