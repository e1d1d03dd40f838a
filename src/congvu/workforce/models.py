"""Roster rules, plans and their day-by-day assignments, and attendance check-ins."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.org.models import Agency, Role, Room, Staff


class RuleSet(models.Model):
    """The rules of the day for a period and a scope (e.g. Gia Lai's: at most 1/3 on site, 2 per room)."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan lập"), on_delete=models.PROTECT,
                               related_name="roster_rule_sets")
    name = models.CharField(_("tên bộ quy tắc"), max_length=200)
    legal_basis = models.CharField(_("căn cứ (văn bản)"), max_length=200, blank=True)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    scope_agencies = models.ManyToManyField(Agency, verbose_name=_("các cơ quan áp dụng"),
                                            related_name="roster_rule_sets_in_scope")
    ratio_numerator = models.PositiveIntegerField(_("tỷ lệ tối đa tại trụ sở (tử số)"), null=True, blank=True)
    ratio_denominator = models.PositiveIntegerField(_("tỷ lệ tối đa tại trụ sở (mẫu số)"), null=True, blank=True)
    max_per_room = models.PositiveSmallIntegerField(_("tối đa người mỗi phòng"), null=True, blank=True)
    exempt_agencies = models.ManyToManyField(Agency, verbose_name=_("cơ quan được miễn"), blank=True,
                                             related_name="+")
    exempt_staff = models.ManyToManyField(Staff, verbose_name=_("cán bộ được miễn"), blank=True, related_name="+")
    must_stay_home = models.ManyToManyField(Staff, verbose_name=_("phải làm việc tại nhà"), blank=True,
                                            related_name="+")
    must_come_in = models.ManyToManyField(Staff, verbose_name=_("bắt buộc có mặt tại trụ sở"), blank=True,
                                          related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bộ quy tắc làm việc")
        verbose_name_plural = _("bộ quy tắc làm việc")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="workforce_ruleset_period_ordered"),
            models.CheckConstraint(condition=Q(ratio_numerator__isnull=True)
                                   | Q(ratio_numerator__lte=models.F("ratio_denominator")),
                                   name="workforce_ruleset_ratio_at_most_one"),
            models.CheckConstraint(condition=Q(ratio_denominator__isnull=True) | Q(ratio_denominator__gte=1),
                                   name="workforce_ruleset_denominator_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ratio(self) -> Fraction | None:
        if self.ratio_numerator is None or not self.ratio_denominator:
            return None
        return Fraction(self.ratio_numerator, self.ratio_denominator)

    @property
    def ratio_label(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "—"
        return f"{ratio.numerator}/{ratio.denominator}" if ratio.denominator != 1 else str(ratio.numerator)


class CoverRequirement(models.Model):
    """At least ``min_onsite`` staff with ``role`` on site in ``agency`` every working day."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="cover")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    role = models.ForeignKey(Role, verbose_name=_("vai trò"), on_delete=models.PROTECT, related_name="+")
    min_onsite = models.PositiveSmallIntegerField(_("tối thiểu tại trụ sở"), default=1)

    class Meta:
        verbose_name = _("yêu cầu trực")
        verbose_name_plural = _("yêu cầu trực")
        constraints = [models.UniqueConstraint(fields=["rule_set", "agency", "role"],
                                               name="workforce_cover_unique")]


class Cohort(models.Model):
    """A fixed team: two cohorts of one agency never work on site the same day."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="cohorts")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên nhóm"), max_length=60)
    members = models.ManyToManyField(Staff, verbose_name=_("thành viên"), related_name="+")

    class Meta:
        verbose_name = _("nhóm cố định")
        verbose_name_plural = _("nhóm cố định")
        constraints = [models.UniqueConstraint(fields=["rule_set", "agency", "name"],
                                               name="workforce_cohort_unique")]

    def __str__(self) -> str:
        return self.name


class Preference(models.Model):
    """A staff member's wish for a day (honoured when the rules allow)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="preferences")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    on_site = models.BooleanField(_("muốn đến trụ sở"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule_set", "staff", "day"],
                                               name="workforce_preference_unique")]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SOLVING = "solving", _("Đang lập")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Không lập được")
        PUBLISHED = "published", _("Đã công bố")
        SUPERSEDED = "superseded", _("Đã thay thế")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="plans")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="roster_plans")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    time_limit = models.PositiveIntegerField(_("thời gian tối đa (giây)"), default=30)
    solver_status = models.CharField(max_length=20, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    fairness_gap = models.PositiveSmallIntegerField(_("chênh lệch công bằng"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phương án làm việc")
        verbose_name_plural = _("phương án làm việc")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_set.name} #{self.pk}"


class Assignment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roster_assignments")
    day = models.DateField()
    on_site = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "staff", "day"], name="workforce_assignment_unique")]
        indexes = [models.Index(fields=["staff", "day"]), models.Index(fields=["plan", "day"])]


class CheckIn(models.Model):
    """One roll-call (điểm danh) of a person on a day, at home or on site."""

    class Mode(models.TextChoices):
        HOME = "home", _("Tại nhà")
        ON_SITE = "onsite", _("Tại trụ sở")

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="checkins")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("ngày"))
    mode = models.CharField(_("hình thức"), max_length=10, choices=Mode.choices)
    time_in = models.DateTimeField(_("giờ vào"))
    time_out = models.DateTimeField(_("giờ ra"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["-day", "-time_in"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "day", "mode"], name="workforce_checkin_once_per_mode"),
            models.UniqueConstraint(fields=["staff", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="workforce_checkin_idempotency"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.day} {self.mode}"
