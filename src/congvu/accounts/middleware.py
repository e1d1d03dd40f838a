"""Second factor enforced for the roles listed in settings.CONGVU_REQUIRE_2FA_ROLES."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


def requires_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.CONGVU_REQUIRE_2FA_ROLES)
    if user.is_superuser and "superuser" in required:
        return True
    return bool(required & user.role_codes())


class EnforceSecondFactorMiddleware:
    """Users whose role requires TOTP must verify (or first enrol) before using the site."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and requires_second_factor(user) and not user.is_verified()
                and not request.path.startswith(self.EXEMPT_PREFIXES)):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
