from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from congvu.core.text import normalize


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False, max_length=256,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
    }

    def clean_username(self):
        return normalize(self.cleaned_data["username"]).strip()


class OTPTokenForm(forms.Form):
    token = forms.CharField(label=_("Mã xác thực 6 số"), min_length=6, max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean_token(self):
        value = self.cleaned_data["token"].strip().replace(" ", "")
        if not value.isdigit():
            raise forms.ValidationError(_("Mã xác thực chỉ gồm chữ số."))
        return value


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100)
    days = forms.IntegerField(label=_("Thời hạn (ngày)"), min_value=1, max_value=366, initial=90)
