"""Forms of the workforce pages (Vietnamese labels; dates accepted in every official form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import ValidationFailed
from congvu.core.text import normalize
from congvu.org.models import Agency, Role, Staff

from .services import parse_ratio

COVER_ROLES = [(Role.VAN_THU, "cover_van_thu"), (Role.LANH_DAO, "cover_lanh_dao"), (Role.MOT_CUA, "cover_mot_cua")]


class DateTextField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Ví dụ 01/12/2026"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_date(value)
        except DateParseError:
            raise forms.ValidationError(_("Nhập ngày theo dạng 25/03/2020.")) from None


def _staff_label(s: Staff) -> str:
    return f"{s.user.get_full_name()} ({s.employee_code}, {s.agency.short_name})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _staff_label(obj)


class RuleSetForm(forms.Form):
    name = forms.CharField(label=_("Tên bộ quy tắc"), max_length=200)
    legal_basis = forms.CharField(label=_("Căn cứ (số, ký hiệu văn bản)"), max_length=200, required=False)
    period_start = DateTextField(label=_("Từ ngày"))
    period_end = DateTextField(label=_("Đến ngày"))
    scope_agencies = forms.ModelMultipleChoiceField(
        label=_("Các cơ quan áp dụng"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple)
    ratio = forms.CharField(label=_("Tỷ lệ tối đa làm việc tại trụ sở mỗi ngày"), max_length=20, required=False,
                            help_text=_("Ví dụ 1/3 hoặc 50%. Để trống nếu không giới hạn."))
    max_per_room = forms.IntegerField(label=_("Tối đa số người mỗi phòng"), min_value=1, max_value=1000,
                                      required=False, help_text=_("Ngoài sức chứa của từng phòng."))
    exempt_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan được miễn"), queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    cover_van_thu = forms.IntegerField(label=_("Văn thư trực tối thiểu mỗi ngày"), min_value=0, max_value=100,
                                       required=False, initial=1,
                                       help_text=_("Áp dụng cho mỗi cơ quan có cán bộ giữ vai trò này."))
    cover_lanh_dao = forms.IntegerField(label=_("Lãnh đạo trực tối thiểu mỗi ngày"), min_value=0, max_value=100,
                                        required=False, initial=1)
    cover_mot_cua = forms.IntegerField(label=_("Cán bộ một cửa tối thiểu mỗi ngày"), min_value=0, max_value=100,
                                       required=False, initial=0)
    exempt_staff = StaffChoiceField(label=_("Cán bộ được miễn"), queryset=Staff.objects.none(), required=False)
    must_stay_home = StaffChoiceField(label=_("Phải làm việc tại nhà (sức khỏe, chăm sóc người thân…)"),
                                      queryset=Staff.objects.none(), required=False)
    must_come_in = StaffChoiceField(label=_("Bắt buộc có mặt tại trụ sở"), queryset=Staff.objects.none(),
                                    required=False)
    cohorts = forms.CharField(
        label=_("Nhóm cố định không gặp nhau tại trụ sở"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nhóm: Tên nhóm: mã cán bộ, mã cán bộ… (ví dụ Nhóm A: CB00012, CB00013)"))

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_agencies"].queryset = agencies
        self.fields["exempt_agencies"].queryset = agencies
        for name in ("exempt_staff", "must_stay_home", "must_come_in"):
            self.fields[name].queryset = staff
            self.fields[name].widget.attrs["size"] = 6
        self._staff_qs = staff

    def clean_name(self):
        return normalize(self.cleaned_data["name"]).strip()

    def clean_ratio(self):
        try:
            return parse_ratio(self.cleaned_data.get("ratio"))
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_cohorts(self):
        text = normalize(self.cleaned_data.get("cohorts") or "")
        groups = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if ":" not in line:
                raise forms.ValidationError(_("Dòng %(n)s: viết “Tên nhóm: mã cán bộ, …”.") % {"n": n})
            name, codes_text = line.split(":", 1)
            codes = [c.strip().upper() for c in codes_text.replace(";", ",").split(",") if c.strip()]
            if not name.strip() or not codes:
                raise forms.ValidationError(_("Dòng %(n)s: thiếu tên nhóm hoặc mã cán bộ.") % {"n": n})
            found = {s.employee_code.upper(): s for s in self._staff_qs.filter(employee_code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                raise forms.ValidationError(_("Dòng %(n)s: không có cán bộ mã %(codes)s trong phạm vi của bạn.")
                                            % {"n": n, "codes": ", ".join(missing[:5])})
            groups.append((name.strip()[:60], list(found.values())))
        return groups

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        home = {s.pk for s in data.get("must_stay_home") or []}
        come = {s.pk for s in data.get("must_come_in") or []}
        if home & come:
            self.add_error("must_come_in", _("Một người không thể vừa phải ở nhà vừa bắt buộc có mặt."))
        return data


class PlanStartForm(forms.Form):
    time_limit = forms.IntegerField(label=_("Thời gian tính toán tối đa (giây)"), min_value=1, max_value=600,
                                    initial=20)


class AdjustForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Cán bộ"), queryset=Staff.objects.none())
    day = forms.TypedChoiceField(label=_("Ngày"), choices=())
    on_site = forms.TypedChoiceField(label=_("Hình thức"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Tại trụ sở")), ("0", _("Tại nhà"))])

    def __init__(self, *args, staff, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = _staff_label
        self.fields["day"].choices = [(d.isoformat(), d.strftime("%d/%m/%Y")) for d in days]
        self.fields["day"].coerce = lambda v: parse_date(v)


class PreferenceForm(forms.Form):
    rule_set = forms.ModelChoiceField(label=_("Kỳ làm việc"), queryset=None)
    day = DateTextField(label=_("Ngày"))
    on_site = forms.TypedChoiceField(label=_("Nguyện vọng"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     choices=[("1", _("Làm việc tại trụ sở")), ("0", _("Làm việc tại nhà"))])

    def __init__(self, *args, rule_sets, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RuleSet

        self.fields["rule_set"].queryset = RuleSet.objects.filter(pk__in=[r.pk for r in rule_sets])
