"""Sign-in, rate limiting, second factor, password reset, API tokens, session settings."""

import re

import pytest
from django.conf import settings as dj_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.accounts import services
from congvu.accounts.models import ApiToken
from congvu.core.errors import NotFound, ValidationFailed
from congvu.core.models import AuditEvent

from factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_production_hasher_is_argon2(settings):
    from congvu import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert identify_hasher(make_password("x" * 12)).algorithm == "argon2"


def test_session_cookie_settings():
    assert dj_settings.SESSION_COOKIE_HTTPONLY and dj_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert dj_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert dj_settings.X_FRAME_OPTIONS == "DENY"


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(client, org):
    assert client.get("/").status_code == 302
    response = login(client, "vanthu.snv")
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert "Trần Thị Văn Thư" in home.content.decode() and "Sở Nội vụ" in home.content.decode()
    assert AuditEvent.objects.filter(action="auth.login").count() == 1
    assert client.get("/accounts/logout/").status_code == 405  # logout is POST only
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("payload", [
    {"username": "vanthu.snv", "password": "sai"},
    {"username": "", "password": ""},
    {"username": "x" * 5000, "password": "y"},
    {"username": "vanthu.snv\x00", "password": PASSWORD},
    {"username": ["a", "b"], "password": PASSWORD},
    {},
])
def test_bad_logins_are_refused_cleanly(client, org, payload):
    response = client.post("/accounts/login/", payload)
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited(client, org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "vanthu.snv", "sai-mat-khau")
    response = login(client, "vanthu.snv")  # right password, but locked
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Tạm khóa" in response.content.decode()
    # other users are not locked out
    assert login(client, "lanhdao.snv").status_code == 302


def test_csrf_is_enforced_on_login(org):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "vanthu.snv", "password": PASSWORD})
    assert response.status_code == 403


def test_second_factor_enforced_for_admin_role(client, org, settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = ["admin"]
    login(client, "quantri")
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/otp/setup/" in response.url
    page = client.get("/accounts/otp/setup/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=org.admin.user)
    # The key for typing into an authenticator app by hand is Base32, as the apps expect.
    import base64

    assert base64.b32encode(device.bin_key).decode().rstrip("=") in page.content.decode()
    assert client.post("/accounts/otp/setup/", {"token": "12ab56"}).status_code == 200  # not digits
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/accounts/otp/setup/", {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
    # a new session must verify again
    client.post("/accounts/logout/")
    login(client, "quantri")
    assert "/accounts/otp/verify/" in client.get("/").url
    assert client.post("/accounts/otp/verify/", {"token": "abcdef"}).status_code == 200


def test_role_without_2fa_requirement_passes(client, org):
    login(client, "chuyenvien.snv")
    assert client.get("/").status_code == 200


def test_password_reset_by_email(client, org):
    org.snv_clerk.user.email = "vanthu@snv.vn"
    org.snv_clerk.user.save()
    response = client.post("/accounts/password-reset/", {"email": "vanthu@snv.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    new = "mat-khau-moi-rat-dai-2026"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert login(client, "vanthu.snv", new).status_code == 302
    # unknown addresses get the same answer and no mail
    client.post("/accounts/password-reset/", {"email": "khong-co@ai.vn"})
    assert len(mail.outbox) == 1


def test_api_tokens_lifecycle(client, org):
    token, raw = services.token_create(user=org.snv_clerk.user, name="máy quét", days=30)
    assert ApiToken.objects.get().key_hash != raw and raw.startswith("cv_")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/accounts/me", **headers).status_code == 200
    services.token_revoke(user=org.snv_clerk.user, token_id=token.pk)
    assert client.get("/api/v1/accounts/me", **headers).status_code == 401
    with pytest.raises(NotFound):
        services.token_revoke(user=org.stttt_clerk.user, token_id=token.pk)
    for bad in ({"name": ""}, {"name": "x" * 101}, {"name": "ok", "days": 0}, {"name": "ok", "days": 9999}):
        with pytest.raises(ValidationFailed):
            services.token_create(user=org.snv_clerk.user, **bad)


def test_token_page(client, org):
    client.force_login(org.snv_clerk.user)
    response = client.post("/accounts/tokens/", {"name": "Ứng dụng di động", "days": 30})
    assert response.status_code == 200
    assert 'id="new-key"' in response.content.decode()
    bad = client.post("/accounts/tokens/", {"name": "", "days": "nhiều"})
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()
