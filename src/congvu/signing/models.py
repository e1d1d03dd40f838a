"""Signing credentials (where a person's or an agency's key is) and stored verification reports.

No password or PIN is ever a field here: they are asked for at signing time and kept in memory
for that call only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.models import StoredFile
from congvu.org.models import Agency, Staff


class Credential(models.Model):
    """A signing key of a staff member (personal signature) or of an agency (organisation signature)."""

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", _("Tệp PKCS#12 (.p12/.pfx)")
        PKCS11 = "pkcs11", _("Thiết bị ký PKCS#11 (USB token, HSM)")
        REMOTE = "remote", _("Dịch vụ ký số từ xa")

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT,
                               related_name="signing_credentials")
    staff = models.ForeignKey(Staff, verbose_name=_("cán bộ"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="signing_credentials",
                              help_text=_("Để trống: chữ ký số của cơ quan."))
    label = models.CharField(_("tên gọi"), max_length=120)
    backend = models.CharField(_("loại"), max_length=10, choices=Backend.choices)
    p12_file = models.ForeignKey(StoredFile, verbose_name=_("tệp PKCS#12"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    pkcs11_module = models.CharField(_("thư viện PKCS#11"), max_length=300, blank=True)
    token_label = models.CharField(_("nhãn thiết bị (token)"), max_length=64, blank=True)
    key_label = models.CharField(_("nhãn khóa"), max_length=64, blank=True)
    remote_service = models.CharField(_("dịch vụ ký từ xa"), max_length=64, blank=True)
    image = models.ForeignKey(StoredFile, verbose_name=_("ảnh chữ ký / con dấu"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    cert_subject = models.CharField(_("chủ thể chứng thư"), max_length=500, blank=True)
    cert_common_name = models.CharField(_("tên trên chứng thư"), max_length=200, blank=True)
    cert_email = models.CharField(_("thư điện tử trên chứng thư"), max_length=200, blank=True)
    cert_issuer = models.CharField(_("tổ chức cấp"), max_length=500, blank=True)
    cert_serial = models.CharField(_("số hiệu chứng thư"), max_length=80, blank=True)
    cert_not_before = models.DateTimeField(_("hiệu lực từ"), null=True, blank=True)
    cert_not_after = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("chứng thư ký số")
        verbose_name_plural = _("chứng thư ký số")
        ordering = ["agency", "staff", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="signing_credential_backend_fields",
                condition=(models.Q(backend="pkcs12", p12_file__isnull=False)
                           | models.Q(backend="pkcs11") & ~models.Q(token_label="") & ~models.Q(key_label="")
                           | models.Q(backend="remote") & ~models.Q(remote_service=""))),
        ]

    def __str__(self) -> str:
        owner = self.staff.full_name if self.staff_id else self.agency.short_name
        return f"{self.label} ({owner})"

    @property
    def is_organisation(self) -> bool:
        return self.staff_id is None

    def is_valid_now(self) -> bool:
        now = timezone.now()
        return bool(self.cert_not_before and self.cert_not_after and self.cert_not_before <= now
                    <= self.cert_not_after)


class VerificationReport(models.Model):
    """The result of checking a PDF's signatures, kept with the file (by its SHA-256)."""

    file = models.ForeignKey(StoredFile, verbose_name=_("tệp"), on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, db_index=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    ok = models.BooleanField(_("hợp lệ"), default=False)
    verdict_code = models.CharField(max_length=30)
    verdict = models.CharField(_("kết luận"), max_length=200)
    signature_count = models.PositiveSmallIntegerField(_("số chữ ký"), default=0)
    report = models.JSONField(_("báo cáo"), default=dict)
    created_at = models.DateTimeField(_("thời điểm kiểm tra"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} {self.verdict}"
