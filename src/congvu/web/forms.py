from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.org.importers import MAX_BYTES


class OrgImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc Excel (.xlsx)"),
                           help_text=_("Tối đa 20 MB. Excel: mỗi trang tính một loại "
                                       "(Cơ quan, Đơn vị, Phòng, Cán bộ)."))
    kind = forms.ChoiceField(label=_("Loại dữ liệu (bắt buộc với CSV)"), required=False, choices=[
        ("", _("— Excel: theo tên trang tính —")), ("agencies", _("Cơ quan")), ("units", _("Đơn vị")),
        ("rooms", _("Phòng làm việc")), ("staff", _("Cán bộ"))])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload
