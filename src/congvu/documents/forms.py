"""Forms of the documents pages (validation of values; the services validate the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.org.models import Agency, Role, Staff, Unit

from .constants import AUTHORITY_CHOICES, CONFIDENTIALITY, TYPE_CHOICES, URGENCY
from .models import Direction, Document

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUTS)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        extra = ", ".join(x for x in [obj.position.name if obj.position else "", obj.unit.name if obj.unit else ""]
                          if x)
        return f"{obj.full_name} ({extra})" if extra else obj.full_name


def staff_qs(agency, role: str | None = None):
    qs = Staff.objects.filter(agency=agency, is_active=True).select_related("user", "position", "unit")
    if role:
        qs = qs.filter(roles__code=role)
    return qs.order_by("user__full_name")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp văn bản (PDF, DOCX, ảnh quét)"))


class IncomingForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=TYPE_CHOICES, initial="cong_van")
    number = forms.IntegerField(label=_("Số"), required=False, min_value=1, max_value=9_999_999)
    symbol = forms.CharField(label=_("Ký hiệu"), required=False, max_length=30,
                             help_text=_("Ví dụ: QĐ-UBND, BNV-VP"))
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    issued_on = DateField(label=_("Ngày văn bản"))
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    signer_name = forms.CharField(label=_("Người ký"), required=False, max_length=50)
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), choices=list(URGENCY.items()), coerce=int, initial=0)
    confidentiality = forms.TypedChoiceField(label=_("Độ mật"), choices=list(CONFIDENTIALITY.items()), coerce=int,
                                             initial=0)
    due_on = DateField(label=_("Hạn xử lý"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    upload = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_duplicate = forms.BooleanField(label=_("Tôi đã kiểm tra: vẫn vào sổ văn bản này"), required=False)


class PresentForm(forms.Form):
    leader = StaffChoice(label=_("Trình lãnh đạo"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = staff_qs(agency, Role.LANH_DAO)


class DirectForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), required=False)
    lead_person = StaffChoice(label=_("Người chủ trì"), queryset=Staff.objects.none(), required=False)
    coordinating_units = forms.ModelMultipleChoiceField(label=_("Đơn vị phối hợp"), queryset=Unit.objects.none(),
                                                        required=False, widget=forms.CheckboxSelectMultiple)
    info_units = forms.ModelMultipleChoiceField(label=_("Đơn vị nhận để biết"), queryset=Unit.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    deadline = DateField(label=_("Hạn xử lý"))
    note = forms.CharField(label=_("Ý kiến chỉ đạo (bút phê)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(agency=agency).order_by("name")
        for name in ("lead_unit", "coordinating_units", "info_units"):
            self.fields[name].queryset = units
        self.fields["lead_person"].queryset = staff_qs(agency)

    def clean(self):
        data = super().clean()
        if not data.get("lead_unit") and not data.get("lead_person"):
            raise forms.ValidationError(_("Cần chọn đơn vị hoặc người chủ trì xử lý."))
        return data


class ComposeForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=TYPE_CHOICES, initial="cong_van")
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    unit_abbr = forms.CharField(label=_("Ký hiệu đơn vị soạn thảo (công văn)"), required=False, max_length=20)
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), choices=list(URGENCY.items()), coerce=int, initial=0)
    confidentiality = forms.TypedChoiceField(label=_("Độ mật"), choices=list(CONFIDENTIALITY.items()), coerce=int,
                                             initial=0)
    signer = StaffChoice(label=_("Người ký"), queryset=Staff.objects.none(), required=False)
    authority = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=AUTHORITY_CHOICES, required=False)
    authority_line = forms.CharField(label=_("Dòng thẩm quyền"), required=False, max_length=200,
                                     help_text=_("Sau TM.: tên tập thể (ỦY BAN NHÂN DÂN); sau KT./Q.: chức vụ người "
                                                 "đứng đầu (GIÁM ĐỐC)"))
    signer_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=100)
    body = forms.CharField(label=_("Nội dung (soạn trực tiếp)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))
    body_file = forms.FileField(label=_("Hoặc tải lên tệp dự thảo (DOCX, PDF)"), required=False)
    recipients = forms.ModelMultipleChoiceField(label=_("Nơi nhận trong hệ thống"), queryset=Agency.objects.none(),
                                                required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    external_recipients = forms.CharField(label=_("Nơi nhận ngoài hệ thống (mỗi dòng một nơi)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    recipients_text = forms.CharField(label=_("Nơi nhận in trên văn bản (mỗi dòng một nơi)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, agency: Agency, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        self.fields["signer"].queryset = staff_qs(agency, Role.LANH_DAO)
        self.fields["recipients"].queryset = Agency.objects.current().exclude(pk=agency.pk).order_by("path")

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("body_file") and not self.has_file:
            raise forms.ValidationError(_("Cần soạn nội dung hoặc tải lên tệp dự thảo."))
        return data


class ReviewerForm(forms.Form):
    reviewer = StaffChoice(label=_("Trình cho"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)

    def __init__(self, *args, agency: Agency, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = staff_qs(agency)
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["reviewer"].queryset = qs


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Từ khóa"), required=False, max_length=500)
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=[("", _("Tất cả"))] + TYPE_CHOICES, required=False)
    direction = forms.ChoiceField(label=_("Chiều"), choices=[("", _("Tất cả"))] + list(Direction.choices),
                                  required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả"))] + list(Document.Status.choices),
                               required=False)
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none(), required=False)
    date_from = DateField(label=_("Từ ngày"))
    date_to = DateField(label=_("Đến ngày"))

    def __init__(self, *args, agency_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Agency.objects.all()
        if agency_ids is not None:
            qs = qs.filter(pk__in=agency_ids)
        self.fields["agency"].queryset = qs.order_by("path")
