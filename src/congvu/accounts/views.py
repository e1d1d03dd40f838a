"""Sign-in, sign-out, second factor (TOTP), password reset and API tokens."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.core import audit

from . import services
from .forms import LoginForm, OTPTokenForm, TokenCreateForm
from .middleware import requires_second_factor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(action="auth.login", actor=self.request.user, obj=self.request.user)
        return response

    def form_invalid(self, form):
        username = (form.data.get("username") or "")[:150]
        audit.record(action="auth.login_failed", note=f"username={username}")
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(action="auth.logout", actor=request.user, obj=request.user)
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the QR code, confirm with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Ứng dụng xác thực", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(action="auth.otp_enrolled", actor=request.user, obj=request.user)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect(_safe_next(request))
        form.add_error("token", _("Mã xác thực không đúng, hãy thử mã mới trên ứng dụng."))
    uri = device.config_url  # includes OTP_TOTP_ISSUER
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("Mã QR xác thực hai lớp"))
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg": qr_svg,
                                                        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
                                                        "next": _safe_next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                audit.record(action="auth.otp_verified", actor=request.user, obj=request.user)
                return redirect(_safe_next(request))
        audit.record(action="auth.otp_failed", actor=request.user, obj=request.user)
        form.add_error("token", _("Mã xác thực không đúng."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request),
                                                         "required": requires_second_factor(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke the user's API tokens."""
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(user=request.user, name=form.cleaned_data["name"],
                                                days=form.cleaned_data["days"])
        messages.success(request, _("Đã tạo khóa API. Hãy sao chép ngay: khóa chỉ hiện một lần."))
        form = TokenCreateForm()
    rows = request.user.api_tokens.order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("accounts:tokens")


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")
