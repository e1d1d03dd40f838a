"""Context every page needs: the signed-in person's staff profile and navigation."""

from __future__ import annotations


def workspace(request):
    user = getattr(request, "user", None)
    staff = None
    if user is not None and user.is_authenticated:
        staff = getattr(user, "staff", None)
    return {"current_staff": staff}
