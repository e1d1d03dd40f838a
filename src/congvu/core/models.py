"""Tables every app uses: the audit log, the calendar exceptions, the file store."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One change: who, when, to what, from which state to which, with the values.

    Rows are append-only: saving an existing row or deleting one raises.
    """

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    from_state = models.CharField(_("trạng thái trước"), max_length=40, blank=True)
    to_state = models.CharField(_("trạng thái sau"), max_length=40, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # Agency the event belongs to (org.Agency id; no FK so that core depends on no app).
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        arrow = f" {self.from_state}→{self.to_state}" if (self.from_state or self.to_state) else ""
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action}{arrow} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_insert", False):
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class CalendarDay(models.Model):
    """A day the administrator declares off or working, beyond the national calendar."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ (lễ, nghỉ bù, hoán đổi)")
        WORKING_DAY = "working_day", _("Ngày làm việc bù (hoán đổi)")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True,
                                   help_text=_("Số, ký hiệu văn bản thông báo"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch ngày nghỉ / làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class StoredFile(models.Model):
    """A file's bytes, addressed by their SHA-256: stored once however often uploaded."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp lưu trữ")
        verbose_name_plural = _("tệp lưu trữ")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.content_type}, {self.size} B)"

    def open(self):
        from .files import storage

        return storage().open(self.storage_name, "rb")

    def read(self) -> bytes:
        with self.open() as fh:
            return fh.read()
