"""Forms of the workforce pages (Vietnamese labels; dates accepted in every official form)."""

from __future__ import annotations

import re

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import ValidationFailed
from congvu.core.text import normalize
from congvu.org.models import Agency, Role, Staff

from .services import parse_ratio

ALL_AGENCIES = "*"  # a cover row for every agency of the scope that has staff with the role
MAX_COVER_ROWS = 200
COVER_KEY = re.compile(r"^cover-(\d{1,4})-(agency|role|min_onsite|delete)$")
DEFAULT_COVER = [{"agency": ALL_AGENCIES, "role": Role.VAN_THU, "min_onsite": 1},
                 {"agency": ALL_AGENCIES, "role": Role.LANH_DAO, "min_onsite": 1}]


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


def initial_from_data(form: forms.Form, data) -> dict:
    """The submitted values as ``initial`` (to show the form again, unvalidated, e.g. after “add a row”)."""
    out = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            out[name] = data.getlist(key)
        elif key in data:
            out[name] = data.get(key)
    return out


class CoverRowForm(forms.Form):
    """One row of the minimum on-site cover: an agency (or every agency of the scope), a role, a minimum."""

    agency = forms.ChoiceField(label=_("Cơ quan"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    min_onsite = forms.IntegerField(label=_("Tối thiểu mỗi ngày"), min_value=0, max_value=100, required=False,
                                    error_messages={key: _("Nhập số người từ 0 đến 100.")
                                                    for key in ("invalid", "min_value", "max_value")})
    delete = forms.BooleanField(label=_("Xóa dòng"), required=False)

    def __init__(self, *args, agencies, roles, index: int, **kwargs):
        super().__init__(*args, prefix=f"cover-{index}", **kwargs)
        self.index = index
        self.fields["agency"].choices = [("", "—"), (ALL_AGENCIES, _("Mọi cơ quan áp dụng (có cán bộ giữ vai trò)"))] \
            + [(str(a.pk), a.name) for a in agencies]
        self.fields["role"].choices = [("", "—")] + [(r.code, r.name) for r in roles]

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self["delete"].value():  # a row marked “Xóa” is dropped, whatever it holds
            self._errors = ErrorDict()

    def clean(self):
        data = super().clean()
        if data.get("delete"):
            return data
        agency, role, minimum = data.get("agency"), data.get("role"), data.get("min_onsite")
        if agency or role or minimum is not None:
            if not agency and "agency" not in self.errors:
                self.add_error("agency", _("Chọn cơ quan."))
            if not role and "role" not in self.errors:
                self.add_error("role", _("Chọn vai trò."))
            if minimum is None and "min_onsite" not in self.errors:
                self.add_error("min_onsite", _("Nhập số người tối thiểu."))
        return data

    @property
    def in_use(self) -> bool:
        data = self.cleaned_data
        return not data.get("delete") and bool(data.get("agency") and data.get("role"))


class CoverRows:
    """The cover rows of the rules form: ``cover-<n>-agency/role/min_onsite/delete``, any numbering, so a
    row can be added (htmx, or the “add a row” button without JavaScript) and removed (its “Xóa” box)."""

    def __init__(self, data=None, *, agencies, roles, initial=(), bound: bool = True, extra: int = 1):
        self.agencies, self.roles = list(agencies), list(roles)
        self.too_many = False
        if data is not None:
            indices = sorted({int(m.group(1)) for m in map(COVER_KEY.match, data.keys()) if m})
            self.too_many = len(indices) > MAX_COVER_ROWS
            indices = indices[:MAX_COVER_ROWS]
            if bound:
                self.rows = [self.row(i, data=data) for i in indices]
            else:
                self.rows = [self.row(i, initial={name: data.get(f"cover-{i}-{name}") for name in
                                                  ("agency", "role", "min_onsite", "delete")}) for i in indices]
        else:
            self.rows = [self.row(i, initial=values) for i, values in enumerate(initial)]
        for _n in range(extra):
            self.rows.append(self.row(self.next_index))

    def row(self, index: int, data=None, initial=None) -> CoverRowForm:
        return CoverRowForm(data, initial=initial, agencies=self.agencies, roles=self.roles, index=index)

    @property
    def next_index(self) -> int:
        return max((r.index for r in self.rows), default=-1) + 1

    def is_valid(self, scope_agencies) -> bool:
        ok = all([row.is_valid() for row in self.rows])  # noqa: C419 - validate every row
        scope = {str(a.pk) for a in scope_agencies}
        seen: dict[tuple[str, str], int] = {}
        for n, row in enumerate(self.rows, start=1):
            if not row.is_valid() or not row.in_use:
                continue
            agency, role = row.cleaned_data["agency"], row.cleaned_data["role"]
            if agency != ALL_AGENCIES and agency not in scope:
                row.add_error("agency", _("Cơ quan này không thuộc các cơ quan áp dụng đã chọn."))
                ok = False
            elif (agency, role) in seen:
                row.add_error("role", _("Trùng với dòng %(n)s.") % {"n": seen[(agency, role)]})
                ok = False
            else:
                seen[(agency, role)] = n
        return ok and not self.too_many

    @property
    def errors(self) -> list[tuple[int, forms.BoundField, str]]:
        """(row number, field, message) for the error summary."""
        return [(n, row[name], error) for n, row in enumerate(self.rows, start=1)
                for name in row.fields for error in row.errors.get(name, [])]

    def cover(self, scope_agencies, role_holders) -> list[tuple]:
        """[(agency, role_code, min)]: explicit rows win over “every agency” rows; ``role_holders``
        is ``{(agency_id, role_code)}`` of the active staff (every-agency rows skip agencies without one)."""
        by_pk = {str(a.pk): a for a in scope_agencies}
        explicit, general = {}, {}
        for row in self.rows:
            if not row.in_use:
                continue
            data = row.cleaned_data
            target = general if data["agency"] == ALL_AGENCIES else explicit
            target[(data["agency"], data["role"])] = data["min_onsite"] or 0
        out = {}
        for (_all, role), minimum in general.items():
            for pk, agency in by_pk.items():
                if (agency.pk, role) in role_holders:
                    out[(pk, role)] = minimum
        out.update(explicit)
        return [(by_pk[pk], role, minimum) for (pk, role), minimum in out.items() if minimum and pk in by_pk]


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
