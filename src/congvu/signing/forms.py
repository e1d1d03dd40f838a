"""Forms of the signing pages.  Password/PIN fields never render their value back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_IMAGE, MAX_P12, MAX_PDF

OWNER_CHOICES = [("me", _("Chứng thư cá nhân của tôi")), ("agency", _("Chứng thư của cơ quan"))]


def _limit(upload, limit: int, message):
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(message)
    return upload


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF cần kiểm tra"), help_text=_("Tối đa 50 MB."))

    def clean_file(self):
        return _limit(self.cleaned_data["file"], MAX_PDF, _("Tệp quá lớn (tối đa 50 MB)."))


class _CredentialForm(forms.Form):
    owner = forms.ChoiceField(label=_("Chủ sở hữu"), choices=OWNER_CHOICES)
    label = forms.CharField(label=_("Tên gọi"), max_length=120)
    image = forms.FileField(label=_("Ảnh chữ ký (cá nhân) hoặc con dấu (cơ quan)"), required=False,
                            help_text=_("PNG nền trong suốt; chữ ký màu xanh, con dấu màu đỏ. Tối đa 2 MB."))

    def __init__(self, *args, can_manage_agency: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_manage_agency:
            self.fields["owner"].choices = OWNER_CHOICES[:1]

    def clean_image(self):
        return _limit(self.cleaned_data.get("image"), MAX_IMAGE, _("Ảnh quá lớn (tối đa 2 MB)."))


class Pkcs12Form(_CredentialForm):
    p12 = forms.FileField(label=_("Tệp chứng thư (.p12, .pfx)"))
    password = forms.CharField(label=_("Mật khẩu của tệp"), strip=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                               help_text=_("Chỉ dùng để mở tệp và kiểm tra chứng thư; không được lưu."))

    def clean_p12(self):
        return _limit(self.cleaned_data["p12"], MAX_P12, _("Tệp chứng thư quá lớn."))


class Pkcs11Form(_CredentialForm):
    module = forms.ChoiceField(label=_("Thư viện của thiết bị ký"))
    token_label = forms.CharField(label=_("Nhãn thiết bị (token)"), max_length=32)
    key_label = forms.CharField(label=_("Nhãn khóa trên thiết bị"), max_length=64)
    pin = forms.CharField(label=_("Mã PIN"), strip=False,
                          widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                          help_text=_("Chỉ dùng để đọc chứng thư trên thiết bị; không được lưu."))

    def __init__(self, *args, modules: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m, m) for m in modules]
