"""Official documents (văn bản đến/đi), their registers, files, routing, review and recipients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.models import StoredFile
from congvu.org.models import Agency, Staff, Unit

from .constants import CONFIDENTIALITY, TYPE_ABBR, TYPE_CHOICES, TYPE_NAME, URGENCY, number_text


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class Register(models.Model):
    """A register book (sổ) of one agency, year and direction; confidential documents have their own.

    ``last_number`` is the counter: services lock this row (select_for_update) to take the next
    number, so numbers are gapless and unique even when two clerks register at the same moment.
    """

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="registers")
    year = models.PositiveSmallIntegerField(_("năm"))
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    confidential = models.BooleanField(_("sổ văn bản mật"), default=False)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        ordering = ["agency", "-year", "direction", "confidential"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "direction", "confidential"],
                                               name="documents_register_unique")]

    def __str__(self) -> str:
        kind = _("đến") if self.direction == Direction.INCOMING else _("đi")
        secret = _(" (mật)") if self.confidential else ""
        return f"Sổ văn bản {kind}{secret} {self.year} – {self.agency.short_name}"


class Document(models.Model):
    class Status(models.TextChoices):
        # incoming
        RECEIVED = "received", _("Chờ vào sổ")
        REGISTERED = "registered", _("Đã vào sổ")
        SUBMITTED = "submitted", _("Đã trình lãnh đạo")
        DIRECTED = "directed", _("Đã có ý kiến chỉ đạo")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        DONE = "done", _("Đã xử lý xong")
        # outgoing
        DRAFT = "draft", _("Dự thảo")
        IN_REVIEW = "in_review", _("Đang trình duyệt")
        RETURNED = "returned", _("Trả lại để sửa")
        APPROVED = "approved", _("Đã duyệt")
        ISSUED = "issued", _("Đã ban hành")
        REPLACED = "replaced", _("Đã bị thay thế")
        # both
        RECALLED = "recalled", _("Đã thu hồi")

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan quản lý"), on_delete=models.PROTECT,
                               related_name="documents")
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, db_index=True)
    doc_type = models.CharField(_("loại văn bản"), max_length=30, choices=TYPE_CHOICES, default="cong_van")
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    issuer_agency = models.ForeignKey(Agency, verbose_name=_("cơ quan ban hành (trong hệ thống)"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung soạn thảo"), blank=True)
    unit_abbr = models.CharField(_("ký hiệu đơn vị soạn thảo"), max_length=20, blank=True)
    signer = models.ForeignKey(Staff, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    signer_name = models.CharField(_("họ tên người ký"), max_length=50, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    authority = models.CharField(_("thẩm quyền ký"), max_length=5, blank=True,
                                 help_text=_("TM., KT., TL., TUQ., Q. hoặc để trống"))
    authority_line = models.CharField(_("dòng thẩm quyền"), max_length=200, blank=True,
                                      help_text=_("Ví dụ: ỦY BAN NHÂN DÂN (sau TM.), GIÁM ĐỐC (sau KT.)"))
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=list(URGENCY.items()), default=0)
    confidentiality = models.PositiveSmallIntegerField(_("độ mật"), choices=list(CONFIDENTIALITY.items()), default=0)
    register = models.ForeignKey(Register, verbose_name=_("sổ"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="documents")
    register_number = models.PositiveIntegerField(_("số trong sổ"), null=True, blank=True)
    received_on = models.DateField(_("ngày đến"), null=True, blank=True)
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), default=1)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    file_copy_holder = models.CharField(_("đơn vị, người nhận bản lưu"), max_length=200, blank=True)
    recipients_text = models.TextField(_("nơi nhận (hiển thị)"), blank=True)
    composed = models.BooleanField(_("soạn trên hệ thống"), default=False)
    source = models.ForeignKey("self", verbose_name=_("văn bản đi gốc"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="deliveries")
    replaces = models.ForeignKey("self", verbose_name=_("thay thế văn bản"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="replaced_by")
    in_reply_to = models.ForeignKey("self", verbose_name=_("trả lời văn bản đến"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="replies")
    reviewer = models.ForeignKey(Staff, verbose_name=_("người đang xem xét"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # "Cảnh báo trùng" accepted: registered although a document with the same issuer, number/symbol and date exists.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "register_number"], name="documents_register_number_unique",
                                    condition=Q(register__isnull=False)),
        ]
        indexes = [models.Index(fields=["agency", "direction", "status"]),
                   models.Index(fields=["issuer_agency", "number", "symbol"])]

    def __str__(self) -> str:
        ref = self.reference or _("(chưa có số)")
        return f"{ref} – {self.subject[:120]}"

    @property
    def reference(self) -> str:
        """``15/QĐ-BNV``, or the symbol alone before numbering."""
        if self.number is None:
            return f"…/{self.symbol}" if self.symbol else ""
        return f"{number_text(self.number)}/{self.symbol}" if self.symbol else number_text(self.number)

    @property
    def type_name(self) -> str:
        return TYPE_NAME.get(self.doc_type, self.doc_type)

    @property
    def type_abbr(self) -> str:
        return TYPE_ABBR.get(self.doc_type, "")

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality > 0

    @property
    def marks(self) -> list[str]:
        out = []
        if self.urgency:
            out.append(URGENCY[self.urgency].upper())
        if self.confidentiality:
            out.append(CONFIDENTIALITY[self.confidentiality].upper())
        return out

    @property
    def is_frozen(self) -> bool:
        """Issued outgoing documents (and everything after) never change."""
        return self.direction == Direction.OUTGOING and self.status in (
            self.Status.ISSUED, self.Status.RECALLED, self.Status.REPLACED)


class DocumentFile(models.Model):
    """One immutable file version of a document (main body or attachment)."""

    class Role(models.TextChoices):
        MAIN = "main", _("Văn bản chính")
        ATTACHMENT = "attachment", _("Tệp đính kèm")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MAIN)
    version = models.PositiveIntegerField(_("phiên bản"))
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    reason = models.CharField(_("lý do"), max_length=100, blank=True)
    text = models.TextField(_("nội dung chữ (để tìm kiếm)"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["document", "role", "version"]
        constraints = [models.UniqueConstraint(fields=["document", "role", "name", "version"],
                                               name="documents_file_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_insert", False):
            raise RuntimeError("file versions are immutable")
        super().save(*args, **kwargs)


class Recipient(models.Model):
    """Nơi nhận of an outgoing document: an agency of this installation or an external name."""

    class Delivery(models.TextChoices):
        WAITING = "waiting", _("Chờ phát hành")
        DELIVERED = "delivered", _("Đã chuyển vào hệ thống")
        PENDING_EXTERNAL = "pending_external", _("Chờ gửi liên thông")
        PAPER_ONLY = "paper_only", _("Văn bản mật: gửi bản giấy")
        RECALLED = "recalled", _("Đã thu hồi")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nơi nhận"), max_length=200)
    delivery = models.CharField(_("tình trạng gửi"), max_length=20, choices=Delivery.choices,
                                default=Delivery.WAITING)
    delivered_document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return self.name


class Access(models.Model):
    """A person named on a document (handler, leader, reviewer, drafter, signer): may see it when confidential."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="access")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "staff"], name="documents_access_unique")]


class Routing(models.Model):
    """A leader's direction (bút phê): lead unit/person, coordinating and for-information units, deadline, note."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="routings")
    directed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead_person = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    coordinating_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    info_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    deadline = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Assignment(models.Model):
    """Who handles a document: lead, coordination or for information; to a unit or a person."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        COORDINATE = "coordinate", _("Phối hợp")
        INFO = "info", _("Để biết")

    class State(models.TextChoices):
        OPEN = "open", _("Đang xử lý")
        FORWARDED = "forwarded", _("Đã chuyển")
        DONE = "done", _("Hoàn thành")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    routing = models.ForeignKey(Routing, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    deadline = models.DateField(null=True, blank=True)
    forwarded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="forwards")
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(unit__isnull=False) | Q(staff__isnull=False),
                                              name="documents_assignment_has_holder")]

    def __str__(self) -> str:
        who = self.staff.full_name if self.staff_id else (self.unit.name if self.unit_id else "?")
        return f"{self.get_kind_display()}: {who}"


class ProgressNote(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class ReviewStep(models.Model):
    """One step of an outgoing draft's review chain (unit head → office → leader)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        FORWARDED = "forwarded", _("Đã chuyển tiếp")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Đã duyệt")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="review_steps")
    reviewer = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(blank=True)
    file_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class SearchEntry(models.Model):
    """The search index row of a document: folded words of its metadata and file text.

    On PostgreSQL a generated ``tsv`` column (to_tsvector('simple', text)) with a GIN index is added by
    migration 0002; on SQLite an FTS5 table mirrors ``text``.  See ``search.py``.
    """

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="search_entry")
    text = models.TextField()
    # Copies of the document's filter fields, so that PostgreSQL narrows with its indexes before ranking
    # (kept in sync by search.reindex and by a post_save signal of Document).
    agency_id = models.BigIntegerField(default=0)
    direction = models.CharField(max_length=10, default="")
    doc_type = models.CharField(max_length=30, default="")
    status = models.CharField(max_length=20, default="")
    confidentiality = models.PositiveSmallIntegerField(default=0)
    day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm")
        indexes = [models.Index(fields=["agency_id", "day"], name="documents_se_agency_day"),
                   models.Index(fields=["day"], name="documents_se_day")]

    @staticmethod
    def fields_of(doc: Document) -> dict:
        return {"agency_id": doc.agency_id, "direction": doc.direction, "doc_type": doc.doc_type,
                "status": doc.status, "confidentiality": doc.confidentiality,
                "day": doc.issued_on or doc.received_on}


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key and its answer: the same key again gets the same answer, nothing new is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key", "endpoint"], name="documents_idem_unique")]


def _sync_search_fields(sender, instance: Document, created: bool, **kwargs) -> None:
    """Keep the filter copies of the search row in step with the document (status changes, numbering…)."""
    if not created:
        SearchEntry.objects.filter(document_id=instance.pk).update(**SearchEntry.fields_of(instance))


post_save.connect(_sync_search_fields, sender=Document, dispatch_uid="documents_sync_search_fields")
