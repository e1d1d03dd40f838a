"""The organisation: agencies as a dated tree, their units, rooms, positions and staff.

Agencies are merged, split, renamed and abolished (in 2025 provinces merged and the
district tier was abolished), so an agency row is never rewritten into another one:
it gets a validity period, and its successors are linked.  A 2020 document keeps
pointing at its 2020 agencies.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Agency identifier (mã định danh): QCVN 102:2016 (13 characters) and the longer
# dotted form of Decision 20/2020/QĐ-TTg (at most 35 characters).
ORGAN_ID_QCVN102 = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
ORGAN_ID_QD20 = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")


def validate_organ_id(value: str) -> None:
    if not value or len(value) > 35 or not ORGAN_ID_QD20.match(value):
        raise ValidationError(
            _("Mã định danh không hợp lệ: dùng chữ số, chữ in hoa và dấu chấm, tối đa 35 ký tự "
              "(ví dụ 000.00.00.H31)."),
            code="invalid_organ_id",
        )


def is_qcvn102_organ_id(value: str) -> bool:
    return bool(ORGAN_ID_QCVN102.match(value or ""))


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def current(self):
        return self.valid_on(timezone.localdate())


class Agency(models.Model):
    """An agency (cơ quan): the province People's Committee, its office, a Sở, a ward…"""

    class Kind(models.TextChoices):
        UBND_TINH = "ubnd_tinh", _("UBND tỉnh/thành phố")
        HDND = "hdnd", _("HĐND")
        VAN_PHONG = "van_phong", _("Văn phòng")
        SO = "so", _("Sở, ban, ngành")
        UBND_HUYEN = "ubnd_huyen", _("UBND cấp huyện")
        UBND_XA = "ubnd_xa", _("UBND cấp xã (xã, phường, đặc khu)")
        DON_VI = "don_vi", _("Đơn vị trực thuộc")
        KHAC = "khac", _("Khác")

    code = models.CharField(_("mã định danh"), max_length=35, validators=[validate_organ_id])
    name = models.CharField(_("tên cơ quan"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=30)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.KHAC)
    parent = models.ForeignKey("self", verbose_name=_("cơ quan cấp trên"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True,
                                  help_text=_("Dùng trên dòng địa danh, ngày tháng của văn bản"))
    exempt_from_onsite_limits = models.BooleanField(_("miễn giới hạn làm việc tại trụ sở"), default=False)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField("self", verbose_name=_("cơ quan kế thừa"), symmetrical=False,
                                        blank=True, related_name="predecessors")
    legal_basis = models.CharField(_("căn cứ thành lập/giải thể"), max_length=200, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True),
                                    name="org_agency_code_unique_current"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="org_agency_validity_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.pk:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("Cơ quan cấp trên không được là chính nó hoặc cấp dưới.")})
                node = node.parent

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path}{self.pk:08d}." if self.parent_id else f"{self.pk:08d}."
        new_depth = new_path.count(".") - 1
        if new_path != self.path or new_depth != self.depth:
            old_path = self.path
            Agency.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
            self.path, self.depth = new_path, new_depth
            if old_path:
                for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.save(update_fields=[])  # recompute descendants

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(timezone.localdate())

    def descendants(self, include_self: bool = True):
        qs = Agency.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self) -> list[Agency]:
        ids = [int(part) for part in self.path.split(".") if part][:-1]
        by_id = Agency.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @property
    def agency_id(self) -> int:  # for audit events
        return self.pk


class Unit(models.Model):
    """A unit inside an agency: phòng, ban, bộ phận (the one-stop desk is one)."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=30, blank=True)
    is_one_stop_desk = models.BooleanField(_("bộ phận một cửa"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="org_unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.short_name}"

    def clean(self) -> None:
        if self.parent_id and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("Đơn vị cấp trên phải thuộc cùng cơ quan.")})


class Room(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="rooms")
    code = models.CharField(_("mã phòng"), max_length=40)
    name = models.CharField(_("tên phòng"), max_length=100)
    building = models.CharField(_("tòa nhà"), max_length=100, blank=True)
    floor = models.CharField(_("tầng"), max_length=10, blank=True)
    capacity = models.PositiveSmallIntegerField(_("sức chứa"), default=4)

    class Meta:
        verbose_name = _("phòng làm việc")
        verbose_name_plural = _("phòng làm việc")
        ordering = ["agency", "building", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="org_room_code_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="org_room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.building})" if self.building else self.name


class Position(models.Model):
    """A position title (chức vụ): Giám đốc, Phó Chánh Văn phòng, Chuyên viên…"""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("chức vụ"), max_length=100)
    is_leader = models.BooleanField(_("là lãnh đạo"), default=False)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), default=100,
                                            help_text=_("Số nhỏ là cấp cao hơn"))

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """What a person may do in the system (văn thư, chuyên viên, lãnh đạo, một cửa, quản trị)."""

    VAN_THU = "van_thu"
    CHUYEN_VIEN = "chuyen_vien"
    LANH_DAO = "lanh_dao"
    LANH_DAO_DON_VI = "lanh_dao_don_vi"
    MOT_CUA = "mot_cua"
    QUAN_TRI = "admin"
    BUILTIN = {
        VAN_THU: _("Văn thư"),
        CHUYEN_VIEN: _("Chuyên viên"),
        LANH_DAO: _("Lãnh đạo cơ quan"),
        LANH_DAO_DON_VI: _("Lãnh đạo đơn vị"),
        MOT_CUA: _("Cán bộ một cửa"),
        QUAN_TRI: _("Quản trị hệ thống"),
    }

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("vai trò"), max_length=100)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A civil servant: the person behind a user account, placed in the organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    employee_code = models.CharField(_("mã cán bộ"), max_length=30, unique=True)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="staff")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff")
    room = models.ForeignKey(Room, verbose_name=_("phòng làm việc"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="staff")
    position = models.ForeignKey(Position, verbose_name=_("chức vụ"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="staff")
    roles = models.ManyToManyField(Role, verbose_name=_("vai trò"), blank=True, related_name="staff")
    is_active = models.BooleanField(_("đang công tác"), default=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["agency", "user__full_name"]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def full_name(self) -> str:
        return self.user.get_full_name()

    def clean(self) -> None:
        errors = {}
        if self.unit_id and self.unit.agency_id != self.agency_id:
            errors["unit"] = _("Đơn vị phải thuộc cơ quan của cán bộ.")
        if self.room_id and self.room.agency_id != self.agency_id:
            errors["room"] = _("Phòng phải thuộc cơ quan của cán bộ.")
        if errors:
            raise ValidationError(errors)

    def has_role(self, code: str) -> bool:
        return code in self.user.role_codes()
