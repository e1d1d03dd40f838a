"""Every write to documents: keyword-only functions, one transaction each, an audit event each.

Incoming: register (upload or delivered) → submit to a leader → direct (bút phê) → handle
(progress, forward, reply, finish) / read receipts.  Outgoing: draft → review chain (submit,
forward, return) → approve (PDF_STEPS["approve"]) → issue (number from the register,
PDF_STEPS["issue"]) → distribute → recall / replace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import Conflict, Forbidden, NotFound, TooLarge, ValidationFailed
from congvu.core.files import store_bytes
from congvu.core.filetext import FileTextError, text_of
from congvu.core.text import collapse_spaces, fold, normalize, repair
from congvu.org.models import Agency, Role, Staff, Unit
from congvu.org.selectors import staff_of

from . import pdfsteps, search, verification
from .constants import AUTHORITY, CONFIDENTIALITY, TYPE_NAME, URGENCY, symbol_for
from .flows import INCOMING, OUTGOING
from .models import (
    Access,
    Assignment,
    Direction,
    Document,
    DocumentFile,
    ProgressNote,
    Recipient,
    Register,
    ReviewStep,
    Routing,
)
from .render import render_pdf

ALLOWED_TYPES = ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "image/png", "image/jpeg", "image/tiff"]
MAX_FILES = 20
S = Document.Status


# --------------------------------------------------------------------------- helpers


def actor_staff(actor) -> Staff:
    staff = staff_of(actor)
    if staff is None or not staff.is_active:
        raise Forbidden(_("Tài khoản chưa gắn với cán bộ đang công tác."))
    return staff


def is_clerk(staff: Staff | None, agency_id: int) -> bool:
    return bool(staff) and staff.agency_id == agency_id and staff.has_role(Role.VAN_THU)


def is_leader(staff: Staff | None, agency_id: int) -> bool:
    return bool(staff) and staff.agency_id == agency_id and staff.has_role(Role.LANH_DAO)


def grant(doc: Document, staff: Staff | None, reason: str) -> None:
    if staff is not None:
        Access.objects.get_or_create(document=doc, staff=staff, defaults={"reason": reason})


def _lock(doc: Document) -> Document:
    return Document.objects.select_for_update().get(pk=doc.pk)


def _text(value, *, field: str, max_len: int, required: bool = False, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("Giá trị phải là chữ."), field=field)
    value = repair(normalize(value))
    value = "\n".join(collapse_spaces(line) for line in value.split("\n")).strip() if multiline \
        else collapse_spaces(value.replace("\n", " "))
    if required and not value:
        raise ValidationFailed(_("Không được để trống."), field=field)
    if len(value) > max_len:
        raise ValidationFailed(_("Quá dài: tối đa %(n)s ký tự.") % {"n": max_len}, field=field)
    return value


def _date(value, *, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        from congvu.core.dates import DateParseError, parse_date

        try:
            value = parse_date(value)
        except DateParseError:
            raise ValidationFailed(_("Ngày không hợp lệ (dd/mm/yyyy)."), field=field) from None
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Ngày không hợp lệ (dd/mm/yyyy)."), field=field)
    if not (dt.date(1945, 9, 2) <= value <= dt.date(2100, 12, 31)):
        raise ValidationFailed(_("Ngày nằm ngoài khoảng cho phép."), field=field)
    return value


def _int(value, *, field: str, choices: Iterable[int] | None = None, min_value: int = 0,
         max_value: int = 9_999_999, allow_none: bool = False) -> int | None:
    if value in (None, ""):
        if allow_none:
            return None
        value = 0
    if isinstance(value, bool):
        raise ValidationFailed(_("Phải là số."), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Phải là số."), field=field) from None
    if choices is not None and number not in set(choices):
        raise ValidationFailed(_("Giá trị không hợp lệ."), field=field)
    if not (min_value <= number <= max_value):
        raise ValidationFailed(_("Số nằm ngoài khoảng cho phép."), field=field)
    return number


def clean_metadata(data: dict, *, direction: str) -> dict:
    """Validated, NFC, legacy-repaired metadata (raises ValidationFailed naming the field)."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("Dữ liệu không hợp lệ."))
    out: dict = {}
    doc_type = data.get("doc_type") or "cong_van"
    if doc_type not in TYPE_NAME:
        raise ValidationFailed(_("Loại văn bản không hợp lệ."), field="doc_type")
    out["doc_type"] = doc_type
    out["subject"] = _text(data.get("subject"), field="subject", max_len=500, required=True)
    out["urgency"] = _int(data.get("urgency"), field="urgency", choices=URGENCY)
    out["confidentiality"] = _int(data.get("confidentiality"), field="confidentiality", choices=CONFIDENTIALITY)
    out["note"] = _text(data.get("note"), field="note", max_len=500)
    out["due_on"] = _date(data.get("due_on"), field="due_on")
    out["signer_name"] = _text(data.get("signer_name"), field="signer_name", max_len=50)
    out["signer_title"] = _text(data.get("signer_title"), field="signer_title", max_len=100)
    out["place"] = _text(data.get("place"), field="place", max_len=100)
    if direction == Direction.INCOMING:
        out["number"] = _int(data.get("number"), field="number", min_value=1, allow_none=True)
        symbol = _text(data.get("symbol"), field="symbol", max_len=30).replace(" ", "")
        out["symbol"] = symbol.upper() if symbol else ""
        out["issuer_name"] = _text(data.get("issuer_name"), field="issuer_name", max_len=200, required=True)
        out["issued_on"] = _date(data.get("issued_on"), field="issued_on")
        if out["issued_on"] and out["issued_on"] > timezone.localdate() + dt.timedelta(days=1):
            raise ValidationFailed(_("Ngày văn bản không thể ở tương lai."), field="issued_on")
    else:
        authority = data.get("authority") or ""
        if authority not in AUTHORITY:
            raise ValidationFailed(_("Thẩm quyền ký phải là TM., KT., TL., TUQ., Q. hoặc để trống."),
                                   field="authority")
        out["authority"] = authority
        out["authority_line"] = _text(data.get("authority_line"), field="authority_line", max_len=200).upper()
        out["unit_abbr"] = _text(data.get("unit_abbr"), field="unit_abbr", max_len=20).upper().replace(" ", "")
        out["body"] = _text(data.get("body"), field="body", max_len=200_000, multiline=True)
        out["recipients_text"] = _text(data.get("recipients_text"), field="recipients_text", max_len=5000,
                                       multiline=True)
        out["copies"] = _int(data.get("copies") or 1, field="copies", min_value=1, max_value=999)
        out["file_copy_holder"] = _text(data.get("file_copy_holder"), field="file_copy_holder", max_len=200)
    return out


def _store_version(doc: Document, *, name: str, data: bytes, actor, role: str = DocumentFile.Role.MAIN,
                   reason: str = "", text: str | None = None) -> DocumentFile:
    """Store bytes as the next immutable version of ``name`` (refuses malformed/encrypted files)."""
    name = _text(name or "van-ban.pdf", field="file", max_len=200).replace("/", "_").replace("\\", "_") or "tep"
    if len(data) > settings.CONGVU_MAX_UPLOAD_BYTES:
        raise TooLarge(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": settings.CONGVU_MAX_UPLOAD_BYTES // 1048576})
    if text is None:  # callers that already read the text (the importer) pass it
        try:
            text = text_of(data)
        except FileTextError as exc:
            if exc.code != "no_text_layer":  # a scan is kept (not searchable by its text until OCR)
                raise ValidationFailed(exc.message, field="file", code=exc.code) from None
            text = ""
    if data.startswith(b"%PDF-"):
        text = _with_form_text(data, text)
    stored = store_bytes(data, allowed_types=ALLOWED_TYPES)
    last = None if getattr(doc, "_no_files_yet", False) else (
        DocumentFile.objects.filter(document=doc, role=role).order_by("-version").values_list("version", flat=True)
        .first())
    made = DocumentFile.objects.create(document=doc, role=role, version=(last or 0) + 1, file=stored, name=name,
                                       reason=reason, text=text[:1_000_000],
                                       created_by=actor if getattr(actor, "is_authenticated", False) else None)
    verification.stored(made)  # e.g. a signature check, queued when the transaction commits
    return made


def _with_form_text(data: bytes, text: str) -> str:
    """The text plus the values of filled form fields (the number and date written at issuance live in
    fields over the "Số:" and date lines, so that the leader's signature stays valid)."""
    if b"/AcroForm" not in data:
        return text
    try:
        import io

        from pypdf import PdfReader

        values = [v for v in (PdfReader(io.BytesIO(data)).get_form_text_fields() or {}).values() if v]
    except Exception:  # noqa: BLE001 - a form that cannot be read adds nothing
        return text
    return "\n".join([text, *values]) if values else text


def latest_main(doc: Document) -> DocumentFile | None:
    return doc.files.filter(role=DocumentFile.Role.MAIN).order_by("-version", "-id").first()


def _files(files) -> list[tuple[str, bytes]]:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationFailed(_("Tối đa %(n)s tệp một lần.") % {"n": MAX_FILES}, field="file")
    out = []
    for item in files:
        name, data = item
        if hasattr(data, "read"):
            data = data.read()
        if not isinstance(data, bytes | bytearray):
            raise ValidationFailed(_("Tệp không hợp lệ."), field="file")
        out.append((str(name or "tep"), bytes(data)))
    return out


def _register(agency: Agency, year: int, direction: str, confidential: bool) -> Register:
    """The register row, locked (select_for_update) for taking the next number."""
    qs = Register.objects.select_for_update()
    lookup = {"agency": agency, "year": year, "direction": direction, "confidential": confidential}
    reg = qs.filter(**lookup).first()
    if reg is None:
        try:
            with transaction.atomic():
                Register.objects.create(**lookup)
        except IntegrityError:
            pass  # created by a concurrent transaction
        reg = qs.get(**lookup)
    return reg


def take_number(agency: Agency, *, year: int, direction: str, confidential: bool) -> tuple[Register, int]:
    """Next gapless number of the register (the caller's transaction holds the row lock)."""
    reg = _register(agency, year, direction, confidential)
    reg.last_number += 1
    reg.save(update_fields=["last_number"])
    return reg, reg.last_number


def urgent_deadline(urgency: int, today: dt.date | None = None) -> dt.date | None:
    """Decree 30 Art. 4: urgent incoming documents are handled immediately.  Without a deadline given,
    Thượng khẩn / Hỏa tốc are due today, Khẩn the next working day (core.selectors.work_calendar)."""
    if not urgency:
        return None
    today = today or timezone.localdate()
    if urgency >= 2:
        return today
    from congvu.core.selectors import work_calendar

    return work_calendar().next_working_day(today)


def find_duplicate(agency: Agency, *, issuer_name: str, number: int | None, symbol: str,
                   issued_on: dt.date | None, exclude_id: int | None = None) -> Document | None:
    """An incoming document already registered with the same issuer, number/symbol and date."""
    if number is None or not symbol:
        return None
    qs = Document.objects.filter(agency=agency, direction=Direction.INCOMING, number=number,
                                 symbol__iexact=symbol, issued_on=issued_on, register__isnull=False)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    folded = fold(issuer_name)
    return next((d for d in qs if fold(d.issuer_name) == folded), None)


# --------------------------------------------------------------------------- incoming


@transaction.atomic
def incoming_register(*, actor, data: dict, files=(), agency: Agency | None = None,
                      confirm_duplicate: bool = False) -> Document:
    """Register an uploaded incoming document in the agency's register of the year (số đến)."""
    staff = actor_staff(actor)
    agency = agency or staff.agency
    if not is_clerk(staff, agency.pk):
        raise Forbidden(_("Chỉ văn thư của cơ quan được vào sổ văn bản đến."))
    return register_new_incoming(actor=actor, agency=agency, data=data, files=files,
                                 confirm_duplicate=confirm_duplicate, staff=staff)


def register_new_incoming(*, actor, agency: Agency, data: dict, files, confirm_duplicate: bool = False,
                          staff: Staff | None = None, file_texts: list[str] | None = None) -> Document:
    """Registration without the permission check (callers check; the importer runs as the system)."""
    meta = clean_metadata(data, direction=Direction.INCOMING)
    files = _files(files)
    if not files:
        raise ValidationFailed(_("Cần tệp văn bản (PDF, DOCX hoặc ảnh quét)."), field="file")
    duplicate = find_duplicate(agency, issuer_name=meta["issuer_name"], number=meta["number"], symbol=meta["symbol"],
                               issued_on=meta["issued_on"])
    if duplicate is not None and not confirm_duplicate:
        raise Conflict(_("Văn bản này có thể đã được vào sổ (số đến %(n)s, cùng cơ quan ban hành, số, ký hiệu và "
                         "ngày). Kiểm tra lại hoặc xác nhận vào sổ lần nữa.") % {"n": duplicate.register_number},
                       code="duplicate", details={"document_id": duplicate.pk})
    today = timezone.localdate()
    doc = Document(agency=agency, direction=Direction.INCOMING, status=S.REGISTERED, received_on=today,
                   created_by=actor, duplicate_of=duplicate, **meta)
    doc.due_on = doc.due_on or urgent_deadline(doc.urgency, today)
    doc.register, doc.register_number = take_number(agency, year=today.year, direction=Direction.INCOMING,
                                                    confidential=doc.confidentiality > 0)
    doc.save()
    doc._no_files_yet = len(files) == 1  # one file: its version is 1 (saves a query per import)
    for i, (name, content) in enumerate(files):
        _store_version(doc, name=name, data=content, actor=actor,
                       role=DocumentFile.Role.MAIN if i == 0 else DocumentFile.Role.ATTACHMENT, reason="upload",
                       text=file_texts[i] if file_texts else None)
    grant(doc, staff, "clerk")
    audit.record(action="documents.incoming.register", actor=actor, obj=doc, to_state=doc.status,
                 changes={"register": doc.register_id, "register_number": doc.register_number,
                          "duplicate_of": duplicate.pk if duplicate else None})
    search.reindex(doc)
    return doc


@transaction.atomic
def incoming_register_received(*, actor, document: Document, data: dict | None = None,
                               confirm_duplicate: bool = False) -> Document:
    """Register a document delivered by another agency of this installation (status 'received')."""
    staff = actor_staff(actor)
    doc = _lock(document)
    if not is_clerk(staff, doc.agency_id):
        raise Forbidden(_("Chỉ văn thư của cơ quan được vào sổ văn bản đến."))
    if data:
        merged = {f: getattr(doc, f) for f in ("doc_type", "subject", "urgency", "confidentiality", "note", "due_on",
                                               "signer_name", "signer_title", "place", "number", "symbol",
                                               "issuer_name", "issued_on")}
        merged.update({k: v for k, v in data.items() if k in merged})
        for key, value in clean_metadata(merged, direction=Direction.INCOMING).items():
            setattr(doc, key, value)
    duplicate = find_duplicate(doc.agency, issuer_name=doc.issuer_name, number=doc.number, symbol=doc.symbol,
                               issued_on=doc.issued_on, exclude_id=doc.pk)
    if duplicate is not None and not confirm_duplicate:
        raise Conflict(_("Văn bản này có thể đã được vào sổ (số đến %(n)s).") % {"n": duplicate.register_number},
                       code="duplicate", details={"document_id": duplicate.pk})
    today = timezone.localdate()
    doc.received_on = doc.received_on or today
    doc.due_on = doc.due_on or urgent_deadline(doc.urgency, today)
    doc.duplicate_of = duplicate
    doc.register, doc.register_number = take_number(doc.agency, year=today.year, direction=Direction.INCOMING,
                                                    confidential=doc.confidentiality > 0)
    INCOMING.apply(doc, "register", actor=actor, changes={"register_number": doc.register_number})
    grant(doc, staff, "clerk")
    search.reindex(doc)
    if doc.source_id:  # the sender sees that the recipient received and registered it
        audit.record(action="documents.outgoing.registered_by_recipient", actor=actor, obj=doc.source,
                     note=doc.agency.name, changes={"recipient_document": doc.pk})
    return doc


@transaction.atomic
def incoming_submit(*, actor, document: Document, leader: Staff, note: str = "") -> Document:
    staff = actor_staff(actor)
    doc = _lock(document)
    if doc.direction != Direction.INCOMING:
        raise Conflict(_("Không phải văn bản đến."))
    if not is_clerk(staff, doc.agency_id):
        raise Forbidden(_("Chỉ văn thư trình văn bản đến."))
    if not is_leader(leader, doc.agency_id):
        raise ValidationFailed(_("Người nhận phải là lãnh đạo của cơ quan."), field="leader")
    doc.reviewer = leader
    INCOMING.apply(doc, "submit", actor=actor, note=_text(note, field="note", max_len=2000),
                   changes={"leader": leader.pk})
    grant(doc, leader, "leader")
    return doc


def _unit_people(unit: Unit) -> list[Staff]:
    heads = list(Staff.objects.filter(unit=unit, is_active=True, roles__code=Role.LANH_DAO_DON_VI))
    return heads or list(Staff.objects.filter(unit=unit, is_active=True))


@transaction.atomic
def incoming_direct(*, actor, document: Document, lead_unit: Unit | None = None, lead_person: Staff | None = None,
                    coordinating_units: Iterable[Unit] = (), info_units: Iterable[Unit] = (),
                    deadline: dt.date | None = None, note: str = "") -> Routing:
    """The leader's direction (bút phê): who leads, who coordinates, who is informed, by when."""
    staff = actor_staff(actor)
    doc = _lock(document)
    if doc.direction != Direction.INCOMING:
        raise Conflict(_("Không phải văn bản đến."))
    if not is_leader(staff, doc.agency_id):
        raise Forbidden(_("Chỉ lãnh đạo cơ quan được cho ý kiến chỉ đạo."))
    coordinating_units, info_units = list(coordinating_units or []), list(info_units or [])
    if lead_unit is None and lead_person is None:
        raise ValidationFailed(_("Cần chọn đơn vị hoặc người chủ trì xử lý."), field="lead_unit")
    for unit in [lead_unit, *coordinating_units, *info_units]:
        if unit is not None and unit.agency_id != doc.agency_id:
            raise ValidationFailed(_("Đơn vị phải thuộc cơ quan."), field="lead_unit")
    if lead_person is not None and (lead_person.agency_id != doc.agency_id or not lead_person.is_active):
        raise ValidationFailed(_("Người chủ trì phải là cán bộ của cơ quan."), field="lead_person")
    deadline = _date(deadline, field="deadline")
    if deadline and deadline < timezone.localdate():
        raise ValidationFailed(_("Hạn xử lý không thể ở quá khứ."), field="deadline")
    note = _text(note, field="note", max_len=2000, multiline=True)
    routing = Routing.objects.create(document=doc, directed_by=staff, lead_unit=lead_unit, lead_person=lead_person,
                                     deadline=deadline, note=note)
    routing.coordinating_units.set(coordinating_units)
    routing.info_units.set(info_units)
    # A new direction replaces the open assignments of an earlier one.
    doc.assignments.filter(state=Assignment.State.OPEN).exclude(routing=routing).update(
        state=Assignment.State.FORWARDED)
    lead = Assignment.objects.create(document=doc, routing=routing, kind=Assignment.Kind.LEAD, unit=lead_unit,
                                     staff=lead_person, deadline=deadline)
    grant(doc, lead_person, "lead")
    if lead_unit is not None and lead_person is None:
        for person in _unit_people(lead_unit):
            grant(doc, person, "lead_unit")
    for unit in coordinating_units:
        Assignment.objects.create(document=doc, routing=routing, kind=Assignment.Kind.COORDINATE, unit=unit,
                                  deadline=deadline)
        for person in _unit_people(unit):
            grant(doc, person, "coordinate")
    for unit in info_units:
        Assignment.objects.create(document=doc, routing=routing, kind=Assignment.Kind.INFO, unit=unit)
        for person in _unit_people(unit):
            grant(doc, person, "info")
    grant(doc, staff, "leader")
    doc.due_on = deadline or doc.due_on
    INCOMING.apply(doc, "direct", actor=actor, note=note, changes={
        "lead_unit": lead_unit.pk if lead_unit else None, "lead_person": lead_person.pk if lead_person else None,
        "coordinating_units": [u.pk for u in coordinating_units], "info_units": [u.pk for u in info_units],
        "deadline": deadline, "assignment": lead.pk})
    search.reindex(doc)
    return routing


def holds(staff: Staff | None, assignment: Assignment) -> bool:
    """The person may act on the assignment: it is theirs, or their unit's (and not forwarded to a person)."""
    if staff is None or staff.agency_id != assignment.document.agency_id:
        return False
    if assignment.staff_id:
        return assignment.staff_id == staff.pk
    return bool(assignment.unit_id) and assignment.unit_id == staff.unit_id


def _assignment(assignment: Assignment, staff: Staff) -> tuple[Assignment, Document]:
    a = Assignment.objects.select_for_update().get(pk=assignment.pk)
    doc = _lock(a.document)
    a.document = doc
    if not holds(staff, a):
        raise Forbidden(_("Việc này không được giao cho bạn."))
    if doc.status == S.RECALLED:
        raise Conflict(_("Văn bản đã bị thu hồi."))
    return a, doc


@transaction.atomic
def assignment_progress(*, actor, assignment: Assignment, text: str) -> ProgressNote:
    staff = actor_staff(actor)
    a, doc = _assignment(assignment, staff)
    if a.state != Assignment.State.OPEN:
        raise Conflict(_("Việc đã kết thúc hoặc đã chuyển."))
    note = ProgressNote.objects.create(assignment=a, author=staff,
                                       text=_text(text, field="text", max_len=5000, required=True, multiline=True))
    if doc.status == S.DIRECTED and a.kind != Assignment.Kind.INFO:
        INCOMING.apply(doc, "start", actor=actor, note=note.text)
    else:
        audit.record(action="documents.incoming.progress", actor=actor, obj=doc, note=note.text,
                     changes={"assignment": a.pk})
    return note


@transaction.atomic
def assignment_forward(*, actor, assignment: Assignment, to: Staff, note: str = "",
                       deadline: dt.date | None = None) -> Assignment:
    """Forward within one's remit: to a person of the assignment's unit or of one's own unit."""
    staff = actor_staff(actor)
    a, doc = _assignment(assignment, staff)
    if a.state != Assignment.State.OPEN:
        raise Conflict(_("Việc đã kết thúc hoặc đã chuyển."))
    if to is None or to.agency_id != doc.agency_id or not to.is_active or to.pk == staff.pk:
        raise ValidationFailed(_("Chọn một cán bộ khác của cơ quan."), field="to")
    if not (to.unit_id and to.unit_id in {a.unit_id, staff.unit_id}):
        raise ValidationFailed(_("Chỉ chuyển cho cán bộ trong đơn vị của mình."), field="to")
    deadline = _date(deadline, field="deadline") or a.deadline
    if a.deadline and deadline and deadline > a.deadline:
        raise ValidationFailed(_("Hạn không được muộn hơn hạn được giao."), field="deadline")
    a.state = Assignment.State.FORWARDED
    a.save(update_fields=["state"])
    new = Assignment.objects.create(document=doc, routing=a.routing, kind=a.kind, unit=to.unit, staff=to,
                                    deadline=deadline, forwarded_from=a)
    grant(doc, to, "forwarded")
    audit.record(action="documents.incoming.forward", actor=actor, obj=doc,
                 note=_text(note, field="note", max_len=2000), changes={"from": a.pk, "to_staff": to.pk,
                                                                        "assignment": new.pk})
    return new


@transaction.atomic
def assignment_finish(*, actor, assignment: Assignment, note: str = "", reply: Document | None = None) -> Assignment:
    staff = actor_staff(actor)
    a, doc = _assignment(assignment, staff)
    if a.state != Assignment.State.OPEN:
        raise Conflict(_("Việc đã kết thúc hoặc đã chuyển."))
    if a.kind == Assignment.Kind.INFO:
        raise Conflict(_("Văn bản để biết: dùng “Đã đọc”."))
    note = _text(note, field="note", max_len=2000, multiline=True)
    if reply is not None:
        _link_reply(doc, reply)
    a.state = Assignment.State.DONE
    a.finished_at = timezone.now()
    a.save(update_fields=["state", "finished_at"])
    if note:
        ProgressNote.objects.create(assignment=a, author=staff, text=note)
    open_lead = doc.assignments.filter(kind=Assignment.Kind.LEAD, state=Assignment.State.OPEN).exists()
    if a.kind == Assignment.Kind.LEAD and not open_lead:
        INCOMING.apply(doc, "finish", actor=actor, note=note, changes={"assignment": a.pk,
                                                                       "reply": reply.pk if reply else None})
    else:
        audit.record(action="documents.incoming.finish_part", actor=actor, obj=doc, note=note,
                     changes={"assignment": a.pk})
    return a


def _link_reply(doc: Document, reply: Document) -> None:
    if reply.direction != Direction.OUTGOING or reply.agency_id != doc.agency_id:
        raise ValidationFailed(_("Văn bản trả lời phải là văn bản đi của cơ quan."), field="reply")
    Document.objects.filter(pk=reply.pk).update(in_reply_to=doc)


@transaction.atomic
def mark_read(*, actor, assignment: Assignment) -> Assignment:
    """Read receipt of a for-information assignment."""
    staff = actor_staff(actor)
    a, doc = _assignment(assignment, staff)
    if a.kind != Assignment.Kind.INFO:
        raise Conflict(_("Chỉ văn bản gửi để biết mới cần xác nhận đã đọc."))
    if a.read_at is None:
        a.read_at, a.read_by, a.state = timezone.now(), staff, Assignment.State.DONE
        a.save(update_fields=["read_at", "read_by", "state"])
        audit.record(action="documents.incoming.read", actor=actor, obj=doc, changes={"assignment": a.pk})
    return a


@transaction.atomic
def reply_draft_create(*, actor, incoming: Document, data: dict | None = None) -> Document:
    """Start an outgoing reply to an incoming document the actor handles."""
    staff = actor_staff(actor)
    if incoming.direction != Direction.INCOMING or incoming.agency_id != staff.agency_id:
        raise NotFound(_("Không tìm thấy."))
    base = {"doc_type": "cong_van", "subject": f"Trả lời văn bản số {incoming.reference}" if incoming.reference
            else incoming.subject, "confidentiality": incoming.confidentiality}
    base.update(data or {})
    doc = draft_create(actor=actor, data=base)
    doc.in_reply_to = incoming
    doc.save(update_fields=["in_reply_to"])
    audit.record(action="documents.incoming.reply_draft", actor=actor, obj=incoming, changes={"reply": doc.pk})
    return doc


# --------------------------------------------------------------------------- outgoing


def _recipients(doc: Document, agencies: Iterable[Agency], external: Iterable[str]) -> None:
    doc.recipients.all().delete()
    names = []
    for agency in agencies or []:
        if agency.pk == doc.agency_id:
            raise ValidationFailed(_("Không gửi văn bản cho chính cơ quan mình."), field="recipients")
        if not Recipient.objects.filter(document=doc, agency=agency).exists():
            Recipient.objects.create(document=doc, agency=agency, name=agency.name)
            names.append(agency.name)
    for name in external or []:
        name = _text(name, field="external_recipients", max_len=200)
        if name:
            Recipient.objects.create(document=doc, name=name)
            names.append(name)
    if not doc.recipients_text and names:
        doc.recipients_text = "\n".join([*names, "Lưu: VT"])
        doc.save(update_fields=["recipients_text"])


def _signer(doc_agency_id: int, signer: Staff | None) -> Staff | None:
    if signer is None:
        return None
    if not is_leader(signer, doc_agency_id) or not signer.is_active:
        raise ValidationFailed(_("Người ký phải là lãnh đạo của cơ quan."), field="signer")
    return signer


def _apply_outgoing(doc: Document, meta: dict, signer: Staff | None) -> None:
    for key, value in meta.items():
        setattr(doc, key, value)
    doc.signer = signer
    if signer is not None:
        doc.signer_name = meta.get("signer_name") or signer.full_name
        doc.signer_title = meta.get("signer_title") or (signer.position.name if signer.position else "")
    doc.symbol = symbol_for(doc.doc_type, doc.agency.short_name, doc.unit_abbr)
    doc.place = doc.place or doc.agency.place_name


def _body(doc: Document, actor, body_file) -> None:
    if body_file:
        name, data = _files([body_file])[0]
        doc.composed = False
        doc.save(update_fields=["composed"])
        _store_version(doc, name=name, data=data, actor=actor, reason="upload")
    elif doc.body:
        doc.composed = True
        doc.save(update_fields=["composed"])
        _store_version(doc, name="du-thao.pdf", data=render_pdf(doc), actor=actor, reason="render")


@transaction.atomic
def draft_create(*, actor, data: dict, signer: Staff | None = None, body_file=None, attachments=(),
                 recipients: Iterable[Agency] = (), external_recipients: Iterable[str] = ()) -> Document:
    staff = actor_staff(actor)
    meta = clean_metadata(data, direction=Direction.OUTGOING)
    doc = Document(agency=staff.agency, direction=Direction.OUTGOING, status=S.DRAFT, created_by=actor,
                   issuer_name=staff.agency.name, issuer_agency=staff.agency)
    if not meta.get("unit_abbr") and meta["doc_type"] == "cong_van" and staff.unit:
        meta["unit_abbr"] = (staff.unit.short_name or staff.unit.code).upper()
    _apply_outgoing(doc, meta, _signer(staff.agency_id, signer))
    doc.save()
    _recipients(doc, recipients, external_recipients)
    _body(doc, actor, body_file)
    for name, content in _files(attachments):
        _store_version(doc, name=name, data=content, actor=actor, role=DocumentFile.Role.ATTACHMENT, reason="upload")
    grant(doc, staff, "drafter")
    grant(doc, doc.signer, "signer")
    audit.record(action="documents.outgoing.draft", actor=actor, obj=doc, to_state=doc.status)
    search.reindex(doc)
    return doc


def _can_edit(staff: Staff, doc: Document) -> bool:
    return doc.status in (S.DRAFT, S.RETURNED) and doc.agency_id == staff.agency_id and (
        doc.created_by_id == staff.user_id or doc.access.filter(staff=staff, reason="drafter").exists())


@transaction.atomic
def draft_update(*, actor, document: Document, data: dict, signer: Staff | None = None, body_file=None,
                 recipients: Iterable[Agency] | None = None, external_recipients: Iterable[str] | None = None
                 ) -> Document:
    staff = actor_staff(actor)
    doc = _lock(document)
    if doc.direction != Direction.OUTGOING or doc.is_frozen:
        raise Conflict(_("Văn bản đã ban hành không được sửa; hãy soạn văn bản thay thế."))
    if not _can_edit(staff, doc):
        raise Forbidden(_("Chỉ người soạn thảo được sửa dự thảo khi đang soạn hoặc bị trả lại."))
    before = audit.snapshot(doc)
    meta = clean_metadata(data, direction=Direction.OUTGOING)
    meta["unit_abbr"] = meta["unit_abbr"] or doc.unit_abbr
    _apply_outgoing(doc, meta, _signer(doc.agency_id, signer))
    doc.save()
    if recipients is not None or external_recipients is not None:
        doc.recipients_text = doc.recipients_text if data.get("recipients_text") else ""
        _recipients(doc, recipients or [], external_recipients or [])
    _body(doc, actor, body_file)
    grant(doc, doc.signer, "signer")
    audit.record(action="documents.outgoing.edit", actor=actor, obj=doc,
                 changes=audit.diff(before, audit.snapshot(doc)))
    search.reindex(doc)
    return doc


def _step(doc: Document) -> ReviewStep | None:
    return doc.review_steps.filter(decision=ReviewStep.Decision.PENDING).order_by("-id").first()


def _version(doc: Document) -> int | None:
    f = latest_main(doc)
    return f.version if f else None


@transaction.atomic
def draft_submit(*, actor, document: Document, reviewer: Staff, note: str = "") -> ReviewStep:
    staff = actor_staff(actor)
    doc = _lock(document)
    if not _can_edit(staff, doc):
        raise Forbidden(_("Chỉ người soạn thảo được trình dự thảo."))
    if reviewer is None or reviewer.agency_id != doc.agency_id or not reviewer.is_active or reviewer.pk == staff.pk:
        raise ValidationFailed(_("Chọn người xem xét là cán bộ khác của cơ quan."), field="reviewer")
    if latest_main(doc) is None:
        raise ValidationFailed(_("Dự thảo chưa có nội dung: soạn nội dung hoặc tải tệp lên."), field="body")
    step = ReviewStep.objects.create(document=doc, reviewer=reviewer, submitted_by=staff,
                                     comment=_text(note, field="note", max_len=2000, multiline=True),
                                     file_version=_version(doc))
    doc.reviewer = reviewer
    OUTGOING.apply(doc, "submit", actor=actor, note=step.comment, changes={"reviewer": reviewer.pk})
    grant(doc, reviewer, "reviewer")
    return step


def _reviewing(staff: Staff, doc: Document) -> ReviewStep:
    if doc.direction != Direction.OUTGOING:
        raise Conflict(_("Không phải văn bản đi."))
    step = _step(doc)
    if doc.status != S.IN_REVIEW or step is None:
        raise Conflict(_("Dự thảo không ở bước xem xét."))
    if doc.reviewer_id != staff.pk:
        raise Forbidden(_("Dự thảo không được trình cho bạn."))
    return step


@transaction.atomic
def review_forward(*, actor, document: Document, to: Staff, comment: str = "") -> ReviewStep:
    """Pass the draft up the chain (unit head → office → leader)."""
    staff = actor_staff(actor)
    doc = _lock(document)
    step = _reviewing(staff, doc)
    if to is None or to.agency_id != doc.agency_id or not to.is_active or to.pk == staff.pk:
        raise ValidationFailed(_("Chọn người xem xét tiếp theo là cán bộ khác của cơ quan."), field="to")
    step.decision, step.decided_at = ReviewStep.Decision.FORWARDED, timezone.now()
    step.comment = _text(comment, field="comment", max_len=2000, multiline=True)
    step.save(update_fields=["decision", "decided_at", "comment"])
    new = ReviewStep.objects.create(document=doc, reviewer=to, submitted_by=staff, file_version=_version(doc))
    doc.reviewer = to
    OUTGOING.apply(doc, "forward", actor=actor, note=step.comment, changes={"reviewer": to.pk})
    grant(doc, to, "reviewer")
    return new


@transaction.atomic
def review_return(*, actor, document: Document, comment: str) -> ReviewStep:
    staff = actor_staff(actor)
    doc = _lock(document)
    step = _reviewing(staff, doc)
    comment = _text(comment, field="comment", max_len=2000, multiline=True)
    if not comment:
        raise ValidationFailed(_("Cần ghi ý kiến khi trả lại."), field="comment")
    step.decision, step.decided_at, step.comment = ReviewStep.Decision.RETURNED, timezone.now(), comment
    step.save(update_fields=["decision", "decided_at", "comment"])
    doc.reviewer = None
    OUTGOING.apply(doc, "return", actor=actor, note=comment)
    return step


def _pdf_version(doc: Document, *, actor, step: str, rerender: bool,
                 secret: str | None = None) -> DocumentFile | None:
    """Run PDF_STEPS[step] on the current PDF (re-rendered first if asked) and store the result.

    ``secret`` (the signer's password/PIN) goes to the steps only; it is never stored or recorded."""
    current = latest_main(doc)
    if rerender and doc.composed:
        pdf = render_pdf(doc)
    elif current is not None and current.file.content_type == "application/pdf":
        pdf = current.file.read()
    else:
        pdf = None
    if pdf is None:
        if pdfsteps.PDF_STEPS.get(step):
            raise Conflict(_("Bước này cần văn bản chính ở dạng PDF."), code="pdf_required")
        return None
    result, ran = pdfsteps.run(step, pdf=pdf, actor=actor, document=doc, secret=secret)
    if current is not None and result == current.file.read():
        return current
    name = current.name if current and current.name.lower().endswith(".pdf") else "van-ban.pdf"
    return _store_version(doc, name=name, data=result, actor=actor, reason=step + ("+" + ",".join(ran) if ran else ""))


@transaction.atomic
def approve(*, actor, document: Document, comment: str = "", signing_secret: str | None = None) -> Document:
    """The signer approves the draft (the signing app signs here via PDF_STEPS['approve'] with
    ``signing_secret``, the password/PIN of the signer's key: used in memory, never recorded)."""
    staff = actor_staff(actor)
    doc = _lock(document)
    step = _reviewing(staff, doc)
    if not is_leader(staff, doc.agency_id):
        raise Forbidden(_("Chỉ lãnh đạo cơ quan được duyệt văn bản."))
    if doc.signer_id and doc.signer_id != staff.pk:
        raise Forbidden(_("Chỉ người ký được duyệt văn bản này; hãy chuyển cho người ký."))
    if doc.signer_id is None:
        doc.signer = staff
        doc.signer_name = doc.signer_name or staff.full_name
        doc.signer_title = doc.signer_title or (staff.position.name if staff.position else "")
    step.decision, step.decided_at = ReviewStep.Decision.APPROVED, timezone.now()
    step.comment = _text(comment, field="comment", max_len=2000, multiline=True)
    step.save(update_fields=["decision", "decided_at", "comment"])
    version = _pdf_version(doc, actor=actor, step="approve", rerender=True, secret=signing_secret)
    doc.reviewer = None
    OUTGOING.apply(doc, "approve", actor=actor, note=step.comment,
                   changes={"signer": doc.signer_id, "file_version": version.version if version else None})
    grant(doc, staff, "signer")
    return doc


@transaction.atomic
def issue(*, actor, document: Document, signing_secret: str | None = None) -> Document:
    """The clerk numbers (gapless, from the outgoing register of the year), dates and issues, then distributes.

    ``signing_secret`` is the password/PIN of the organisation's key for PDF_STEPS['issue'] (never recorded)."""
    staff = actor_staff(actor)
    doc = _lock(document)
    if doc.direction != Direction.OUTGOING:
        raise Conflict(_("Không phải văn bản đi."))
    if not is_clerk(staff, doc.agency_id):
        raise Forbidden(_("Chỉ văn thư của cơ quan được cấp số và ban hành."))
    if doc.status != S.APPROVED:
        OUTGOING.apply(doc, "issue", actor=actor, save=False)  # raises the standard "not allowed" message
    today = timezone.localdate()
    doc.register, doc.register_number = take_number(doc.agency, year=today.year, direction=Direction.OUTGOING,
                                                    confidential=doc.confidentiality > 0)
    doc.number, doc.issued_on = doc.register_number, today
    # A composed text gets its number and date printed, unless an approve step changed the approved PDF
    # (a signature: re-rendering would destroy it; the issue steps write the number and date then).
    approved = latest_main(doc)
    signed_at_approval = approved is not None and approved.reason.startswith("approve+")
    version = _pdf_version(doc, actor=actor, step="issue", rerender=not signed_at_approval, secret=signing_secret)
    OUTGOING.apply(doc, "issue", actor=actor, changes={
        "register": doc.register_id, "number": doc.number, "issued_on": today,
        "file_version": version.version if version else None})
    grant(doc, staff, "clerk")
    if doc.replaces_id:
        old = _lock(doc.replaces)
        if old.status == S.ISSUED:
            OUTGOING.apply(old, "replace", actor=actor, note=f"Thay thế bởi {doc.reference}",
                           changes={"replaced_by": doc.pk})
    search.reindex(doc)
    distribute(actor=actor, document=doc)
    return doc


INCOMING_COPY_FIELDS = ("doc_type", "number", "symbol", "issued_on", "place", "subject", "signer_name",
                        "signer_title", "authority", "authority_line", "urgency", "confidentiality", "recipients_text")


@transaction.atomic
def distribute(*, actor, document: Document) -> list[Recipient]:
    """Deliver an issued document: internal agencies get an incoming record at once (awaiting their clerk);
    external recipients wait for the exchange (status 'pending_external')."""
    doc = Document.objects.select_for_update().get(pk=document.pk)
    if doc.status != S.ISSUED:
        raise Conflict(_("Chỉ phân phối văn bản đã ban hành."))
    done = []
    for rec in doc.recipients.select_for_update().filter(delivery=Recipient.Delivery.WAITING):
        if rec.agency_id is None:
            # Secret documents never travel over the normal exchange axis (domain 1.7, 2.1): paper only.
            rec.delivery = (Recipient.Delivery.PAPER_ONLY if doc.confidentiality
                            else Recipient.Delivery.PENDING_EXTERNAL)
        else:
            copy = Document.objects.create(
                agency_id=rec.agency_id, direction=Direction.INCOMING, status=S.RECEIVED, source=doc,
                issuer_name=doc.agency.name, issuer_agency=doc.agency, due_on=None, created_by=None,
                **{f: getattr(doc, f) for f in INCOMING_COPY_FIELDS})
            latest = {}
            for f in doc.files.select_related("file").order_by("role", "name", "-version", "-id"):
                made = DocumentFile.objects.create(document=copy, role=f.role, version=f.version, file=f.file,
                                                   name=f.name, reason="delivered", text=f.text)
                latest.setdefault((f.role, f.name), made)
            for made in latest.values():  # the recipient's own check of what it received (older versions
                verification.stored(made)  # keep the sender's reports, readable through this copy too)
            # The latest version of each file is enough for the recipient; older ones are kept anyway.
            audit.record(action="documents.incoming.receive", actor=None, obj=copy, to_state=copy.status,
                         changes={"source": doc.pk})
            search.reindex(copy)
            rec.delivery, rec.delivered_document = Recipient.Delivery.DELIVERED, copy
        rec.delivered_at = timezone.now()
        rec.save(update_fields=["delivery", "delivered_document", "delivered_at"])
        done.append(rec)
    if done:
        audit.record(action="documents.outgoing.distribute", actor=actor, obj=doc,
                     changes={"recipients": [(r.name, r.delivery) for r in done]})
    return done


@transaction.atomic
def recall(*, actor, document: Document, reason: str) -> Document:
    """Recall an issued document: frozen, and every copy delivered inside the installation is recalled too."""
    staff = actor_staff(actor)
    doc = _lock(document)
    if doc.direction != Direction.OUTGOING:
        raise Conflict(_("Không phải văn bản đi."))
    if not (is_clerk(staff, doc.agency_id) or is_leader(staff, doc.agency_id)):
        raise Forbidden(_("Chỉ văn thư hoặc lãnh đạo cơ quan được thu hồi văn bản."))
    reason = _text(reason, field="reason", max_len=1000)
    OUTGOING.apply(doc, "recall", actor=actor, note=reason)
    for rec in doc.recipients.select_for_update():
        if rec.delivered_document_id:
            copy = _lock(rec.delivered_document)
            if copy.status != S.RECALLED:
                INCOMING.apply(copy, "recall", actor=actor, note=reason, changes={"source": doc.pk})
        rec.delivery = Recipient.Delivery.RECALLED
        rec.save(update_fields=["delivery"])
    return doc


@transaction.atomic
def replacement_draft(*, actor, document: Document) -> Document:
    """A new draft that will replace an issued document when it is issued."""
    staff = actor_staff(actor)
    old = Document.objects.get(pk=document.pk)
    if old.direction != Direction.OUTGOING or old.status != S.ISSUED or old.agency_id != staff.agency_id:
        raise Conflict(_("Chỉ thay thế văn bản đi đã ban hành của cơ quan."))
    data = {f: getattr(old, f) for f in ("doc_type", "urgency", "confidentiality", "authority", "authority_line",
                                         "unit_abbr", "body", "recipients_text", "copies", "file_copy_holder")}
    data["subject"] = old.subject
    data["note"] = f"Thay thế văn bản số {old.reference}"
    if not data["body"]:
        data["body"] = f"Văn bản này thay thế văn bản số {old.reference} ngày {old.issued_on:%d/%m/%Y}."
    new = draft_create(actor=actor, data=data, signer=old.signer,
                       recipients=[r.agency for r in old.recipients.all() if r.agency_id],
                       external_recipients=[r.name for r in old.recipients.all() if not r.agency_id])
    new.replaces = old
    new.save(update_fields=["replaces"])
    audit.record(action="documents.outgoing.replacement_draft", actor=actor, obj=old, changes={"draft": new.pk})
    return new


def staff_in(agency_id: int, pk) -> Staff:
    """A staff member of the agency by id (NotFound otherwise) — for forms and the API."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Cán bộ không hợp lệ."), field="staff") from None
    staff = Staff.objects.select_related("user", "unit", "position").filter(pk=pk, agency_id=agency_id,
                                                                            is_active=True).first()
    if staff is None:
        raise ValidationFailed(_("Không có cán bộ này trong cơ quan."), field="staff")
    return staff


def units_in(agency_id: int, pks) -> list[Unit]:
    try:
        pks = [int(p) for p in (pks or []) if str(p).strip()]
    except (TypeError, ValueError):
        raise ValidationFailed(_("Đơn vị không hợp lệ."), field="units") from None
    units = list(Unit.objects.filter(pk__in=pks, agency_id=agency_id))
    if len(units) != len(set(pks)):
        raise ValidationFailed(_("Đơn vị không thuộc cơ quan."), field="units")
    return units


def agencies_by_ids(pks) -> list[Agency]:
    try:
        pks = [int(p) for p in (pks or []) if str(p).strip()]
    except (TypeError, ValueError):
        raise ValidationFailed(_("Cơ quan nhận không hợp lệ."), field="recipients") from None
    agencies = list(Agency.objects.filter(pk__in=pks).filter(Q(valid_to__isnull=True) |
                                                             Q(valid_to__gte=timezone.localdate())))
    if len(agencies) != len(set(pks)):
        raise ValidationFailed(_("Cơ quan nhận không tồn tại hoặc đã hết hiệu lực."), field="recipients")
    return agencies
