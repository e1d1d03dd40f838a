"""Writes of the organisation.  Each is one transaction with an audit event."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import Conflict, ValidationFailed
from congvu.core.text import normalize

from .models import Agency, Position, Role, Room, Staff, Unit


def _clean_text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    text = normalize(value or "").strip()
    if required and not text:
        raise ValidationFailed(_("Trường “%(field)s” là bắt buộc.") % {"field": field}, field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("Trường “%(field)s” tối đa %(n)s ký tự.") % {"field": field, "n": max_length},
                               field=field)
    return text


def _full_clean(obj) -> None:
    try:
        obj.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items())) if hasattr(exc, "message_dict") else (None, exc.messages)
        raise ValidationFailed("; ".join(str(m) for m in messages), field=None if field == "__all__" else field) \
            from None


def roles_ensure_builtin() -> None:
    # Stored names are Vietnamese whatever the language of the request that creates them.
    with translation.override("vi"):
        for code, name in Role.BUILTIN.items():
            Role.objects.get_or_create(code=code, defaults={"name": str(name)})


@transaction.atomic
def agency_create(*, actor, code: str, name: str, short_name: str, kind: str = Agency.Kind.KHAC,
                  parent: Agency | None = None, place_name: str = "", valid_from: dt.date | None = None,
                  valid_to: dt.date | None = None, exempt_from_onsite_limits: bool = False,
                  email: str = "", phone: str = "", address: str = "", legal_basis: str = "") -> Agency:
    agency = Agency(
        code=_clean_text(code, field="code", max_length=35).upper(),
        name=_clean_text(name, field="name", max_length=200),
        short_name=_clean_text(short_name, field="short_name", max_length=30),
        kind=kind, parent=parent, place_name=_clean_text(place_name, field="place_name", max_length=100,
                                                         required=False),
        valid_from=valid_from, valid_to=valid_to, exempt_from_onsite_limits=exempt_from_onsite_limits,
        email=email, phone=phone, address=address, legal_basis=legal_basis,
    )
    if valid_to is None and Agency.objects.filter(code=agency.code, valid_to__isnull=True).exists():
        raise Conflict(_("Đã có cơ quan đang hoạt động với mã định danh %(code)s.") % {"code": agency.code},
                       field="code")
    _full_clean(agency)
    agency.save()
    audit.record(action="org.agency_create", actor=actor, obj=agency, changes=audit.diff({}, audit.snapshot(agency)))
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **fields) -> Agency:
    """Correct an agency's data (typos, contacts).  Renames and merges use agency_succeed."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = audit.snapshot(agency)
    allowed = {"name", "short_name", "kind", "place_name", "exempt_from_onsite_limits", "email", "phone",
               "address", "legal_basis", "valid_from", "parent"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(_("Không sửa được trường: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        setattr(agency, key, normalize(value).strip() if isinstance(value, str) else value)
    _full_clean(agency)
    agency.save()
    audit.record(action="org.agency_update", actor=actor, obj=agency,
                 changes=audit.diff(before, audit.snapshot(agency)))
    return agency


@transaction.atomic
def agency_end(*, actor, agency: Agency, on: dt.date, legal_basis: str = "") -> Agency:
    """Close an agency (abolished, merged, renamed) on ``on``: its history stays readable."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.valid_to is not None:
        raise Conflict(_("Cơ quan đã kết thúc hoạt động từ %(d)s.") % {"d": agency.valid_to.strftime("%d/%m/%Y")})
    if agency.valid_from and on < agency.valid_from:
        raise ValidationFailed(_("Ngày kết thúc trước ngày bắt đầu hiệu lực."), field="valid_to")
    before = audit.snapshot(agency)
    agency.valid_to = on
    if legal_basis:
        agency.legal_basis = normalize(legal_basis)[:200]
    agency.save()
    audit.record(action="org.agency_end", actor=actor, obj=agency, changes=audit.diff(before, audit.snapshot(agency)))
    return agency


@transaction.atomic
def agency_succeed(*, actor, predecessors: list[Agency], on: dt.date, code: str, name: str, short_name: str,
                   kind: str, parent: Agency | None = None, legal_basis: str = "", **extra) -> Agency:
    """Merge, split or rename: end the predecessors the day before ``on``, create the successor.

    A successor may keep a predecessor's identifier code (Decision 09/2025/QĐ-TTg).
    Staff of ended agencies are moved by the caller (staff_update) — the history of their
    documents keeps pointing at the old agency.
    """
    if not predecessors:
        raise ValidationFailed(_("Cần ít nhất một cơ quan tiền nhiệm."))
    for old in predecessors:
        if old.valid_to is None:
            agency_end(actor=actor, agency=old, on=on - dt.timedelta(days=1), legal_basis=legal_basis)
    new = agency_create(actor=actor, code=code, name=name, short_name=short_name, kind=kind, parent=parent,
                        valid_from=on, legal_basis=legal_basis, **extra)
    for old in predecessors:
        old.successors.add(new)
    audit.record(action="org.agency_succeed", actor=actor, obj=new,
                 note=", ".join(f"{p.code} {p.name}" for p in predecessors))
    return new


@transaction.atomic
def staff_create(*, actor, username: str, full_name: str, agency: Agency, employee_code: str, email: str = "",
                 password: str | None = None, unit: Unit | None = None, room: Room | None = None,
                 position: Position | None = None, role_codes: list[str] | tuple[str, ...] = ()) -> Staff:
    User = get_user_model()
    username = _clean_text(username, field="username", max_length=150)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("Tên đăng nhập %(u)s đã tồn tại.") % {"u": username}, field="username")
    employee_code = _clean_text(employee_code, field="employee_code", max_length=30)
    if Staff.objects.filter(employee_code=employee_code).exists():
        raise Conflict(_("Mã cán bộ %(c)s đã tồn tại.") % {"c": employee_code}, field="employee_code")
    user = User(username=username, full_name=_clean_text(full_name, field="full_name", max_length=150),
                email=normalize(email).strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    staff = Staff(user=user, employee_code=employee_code, agency=agency, unit=unit, room=room, position=position)
    _full_clean_staff(staff)
    staff.save()
    _set_roles(staff, role_codes)
    audit.record(action="org.staff_create", actor=actor, obj=staff,
                 changes=audit.diff({}, {**audit.snapshot(staff), "roles": sorted(role_codes)}))
    return staff


def _full_clean_staff(staff: Staff) -> None:
    try:
        staff.full_clean(exclude=["user"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed("; ".join(str(m) for m in messages), field=field) from None


def _set_roles(staff: Staff, role_codes) -> None:
    codes = {c.strip() for c in role_codes if c and c.strip()}
    roles = list(Role.objects.filter(code__in=codes))
    missing = codes - {r.code for r in roles}
    if missing:
        raise ValidationFailed(_("Vai trò không tồn tại: %(r)s") % {"r": ", ".join(sorted(missing))}, field="roles")
    staff.roles.set(roles)
    staff.user._role_codes = None


@transaction.atomic
def staff_update(*, actor, staff: Staff, role_codes=None, **fields) -> Staff:
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    before = {**audit.snapshot(staff), "roles": sorted(staff.roles.values_list("code", flat=True))}
    allowed = {"agency", "unit", "room", "position", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(_("Không sửa được trường: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        setattr(staff, key, value)
    _full_clean_staff(staff)
    staff.save()
    if role_codes is not None:
        _set_roles(staff, role_codes)
    after = {**audit.snapshot(staff), "roles": sorted(staff.roles.values_list("code", flat=True))}
    audit.record(action="org.staff_update", actor=actor, obj=staff, changes=audit.diff(before, after))
    return staff
