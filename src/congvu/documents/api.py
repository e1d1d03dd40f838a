"""Documents API (/api/v1/documents/): list, search, detail, register an upload, direct, handle, drafts,
review, approve, issue.  POSTs that create accept ``Idempotency-Key``; another agency's id is a 404."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import FileResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from congvu.core import audit
from congvu.core.errors import NotFound, ValidationFailed

from . import selectors, services
from .models import Assignment, Direction, Document, DocumentFile, IdempotencyKey

router = Router(tags=["documents"])


class FileOut(Schema):
    id: int
    role: str
    name: str
    version: int
    content_type: str = Field(..., alias="file.content_type")
    size: int = Field(..., alias="file.size")
    sha256: str = Field(..., alias="file.sha256")


class RecipientOut(Schema):
    name: str
    agency_id: int | None
    delivery: str


class AssignmentOut(Schema):
    id: int
    kind: str
    state: str
    unit_id: int | None
    staff_id: int | None
    deadline: dt.date | None
    read_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    agency_id: int
    agency_code: str = Field(..., alias="agency.code")
    direction: str
    status: str
    doc_type: str
    type_name: str
    number: int | None
    symbol: str
    reference: str
    issuer_name: str
    issued_on: dt.date | None
    place: str
    subject: str
    signer_name: str
    signer_title: str
    authority: str
    urgency: int
    confidentiality: int
    register_id: int | None
    register_number: int | None
    received_on: dt.date | None
    due_on: dt.date | None
    in_reply_to_id: int | None
    replaces_id: int | None
    created_at: dt.datetime


class DocumentDetailOut(DocumentOut):
    body: str
    recipients_text: str
    files: list[FileOut]
    recipients: list[RecipientOut]
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_files(obj):
        return list(obj.files.select_related("file"))

    @staticmethod
    def resolve_recipients(obj):
        return list(obj.recipients.all())

    @staticmethod
    def resolve_assignments(obj):
        return list(obj.assignments.all())


class HitOut(Schema):
    id: int
    number: int | None
    symbol: str
    reference: str
    subject: str
    date: dt.date | None
    direction: str
    status: str
    agency_code: str
    score: float


class SearchOut(Schema):
    total: int
    results: list[HitOut]


class DirectIn(Schema):
    lead_unit_id: int | None = None
    lead_person_id: int | None = None
    coordinating_unit_ids: list[int] = []
    info_unit_ids: list[int] = []
    deadline: dt.date | None = None
    note: str = Field("", max_length=2000)


class HandleIn(Schema):
    action: str = Field(..., description="progress | forward | finish | read")
    text: str = Field("", max_length=5000)
    to_staff_id: int | None = None
    reply_id: int | None = None


class DraftIn(Schema):
    doc_type: str = "cong_van"
    subject: str = Field(..., max_length=500)
    body: str = Field("", max_length=200_000)
    unit_abbr: str = Field("", max_length=20)
    urgency: int = 0
    confidentiality: int = 0
    signer_id: int | None = None
    authority: str = ""
    authority_line: str = Field("", max_length=200)
    signer_title: str = Field("", max_length=100)
    recipient_agency_ids: list[int] = []
    external_recipients: list[str] = []
    recipients_text: str = Field("", max_length=5000)
    in_reply_to_id: int | None = None


class SubmitIn(Schema):
    reviewer_id: int
    note: str = Field("", max_length=2000)


class ReviewIn(Schema):
    action: str = Field(..., description="forward | return")
    to_staff_id: int | None = None
    comment: str = Field("", max_length=2000)


class NoteIn(Schema):
    comment: str = Field("", max_length=2000)


class ApproveIn(Schema):
    comment: str = Field("", max_length=2000)
    signing_secret: str | None = Field(None, max_length=1024, description=(
        "Password/PIN of the approver's signing key (not needed for demo credentials in demo mode). "
        "Used in memory for this call only: never stored, logged or returned."))


def _issue_secret(request) -> str | None:
    """``signing_secret`` from a JSON or form body of the issue call (an empty body is fine)."""
    import json

    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ValidationFailed(_("Nội dung JSON không hợp lệ."), field="signing_secret") from None
        value = data.get("signing_secret") if isinstance(data, dict) else None
    else:
        value = request.POST.get("signing_secret")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 1024:
        raise ValidationFailed(_("Mật khẩu / mã PIN không hợp lệ."), field="signing_secret")
    return value


def _out(doc: Document, status: int = 200) -> JsonResponse:
    body = DocumentDetailOut.from_orm(Document.objects.select_related("agency").get(pk=doc.pk)).model_dump(
        mode="json")
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _idempotent(request, endpoint: str, make) -> JsonResponse:
    """Run ``make()`` once per (user, Idempotency-Key, endpoint); repeat calls get the first answer."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return make()
    if len(key) > 100 or not key.isprintable():
        raise ValidationFailed(_("Idempotency-Key không hợp lệ (tối đa 100 ký tự)."), field="Idempotency-Key")
    user = request.auth
    stored = IdempotencyKey.objects.filter(user=user, key=key, endpoint=endpoint).first()
    if stored is not None:
        return JsonResponse(stored.body, status=stored.status, json_dumps_params={"ensure_ascii": False})
    try:
        with transaction.atomic():
            response = make()
            import json

            IdempotencyKey.objects.create(user=user, key=key, endpoint=endpoint, status=response.status_code,
                                          body=json.loads(response.content))
    except IntegrityError:  # the same key raced in: answer with the first result
        stored = IdempotencyKey.objects.get(user=user, key=key, endpoint=endpoint)
        return JsonResponse(stored.body, status=stored.status, json_dumps_params={"ensure_ascii": False})
    return response


def _agency_id(request) -> int:
    return services.actor_staff(request.auth).agency_id


@router.get("/", response=list[DocumentOut], summary="Documents of your agency (visible to you)")
@paginate(PageNumberPagination, page_size=50)
def document_list(request, direction: str = "", status: str = ""):
    if direction == Direction.INCOMING:
        return selectors.incoming_list(request.auth, status=status[:20])
    if direction == Direction.OUTGOING:
        return selectors.outgoing_list(request.auth, status=status[:20])
    return selectors.visible_documents(request.auth).select_related("agency").order_by("-created_at", "-id")


@router.get("/search", response=SearchOut, summary="Full-text search (diacritics- and case-insensitive)")
def document_search(request, q: str, doc_type: str = "", agency_id: int | None = None, direction: str = "",
                    status: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
                    limit: int = 20, offset: int = 0):
    if len(q) > 1000:
        raise ValidationFailed(_("Từ khóa quá dài."), field="q")
    hits, total = selectors.search(request.auth, q, doc_type=doc_type[:30], agency_id=agency_id,
                                   direction=direction[:10], status=status[:20], date_from=date_from,
                                   date_to=date_to, limit=max(1, min(limit, 200)), offset=max(0, min(offset, 10000)))
    docs = {d.pk: d for d in selectors.documents_by_ids(request.auth, [h.document_id for h in hits])}
    return {"total": total, "results": [
        {"id": d.pk, "number": d.number, "symbol": d.symbol, "reference": d.reference, "subject": d.subject,
         "date": d.issued_on or d.received_on, "direction": d.direction, "status": d.status,
         "agency_code": d.agency.code, "score": round(h.score, 6)}
        for h in hits if (d := docs.get(h.document_id))]}


@router.get("/{int:doc_id}", response=DocumentDetailOut)
def document_detail(request, doc_id: int):
    return selectors.get_visible(request.auth, doc_id)


@router.get("/{int:doc_id}/files/{int:file_id}", summary="Download one file version")
def document_file(request, doc_id: int, file_id: int):
    doc = selectors.get_visible(request.auth, doc_id)
    if doc.direction == Direction.INCOMING and doc.status == Document.Status.RECALLED:
        raise NotFound(_("Văn bản đã bị thu hồi."))
    f = DocumentFile.objects.select_related("file").filter(pk=file_id, document=doc).first()
    if f is None:
        raise NotFound(_("Không tìm thấy tệp."))
    audit.record(action="documents.file.download", actor=request.auth, obj=doc, changes={"file": f.pk})
    response = FileResponse(f.file.open(), content_type=f.file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, f.name)
    return response


@router.post("/incoming", summary="Upload and register an incoming document (Idempotency-Key supported)")
def incoming_register(request, file: UploadedFile = File(...),  # noqa: B008 - ninja declares parts this way
                      doc_type: str = Form("cong_van"),
                      number: int | None = Form(None), symbol: str = Form(""), issuer_name: str = Form(...),
                      issued_on: str = Form(""), subject: str = Form(...), signer_name: str = Form(""),
                      urgency: int = Form(0), confidentiality: int = Form(0), due_on: str = Form(""),
                      note: str = Form(""), confirm_duplicate: bool = Form(False)):
    data = {"doc_type": doc_type, "number": number, "symbol": symbol, "issuer_name": issuer_name,
            "issued_on": issued_on, "subject": subject, "signer_name": signer_name, "urgency": urgency,
            "confidentiality": confidentiality, "due_on": due_on, "note": note}

    def make():
        doc = services.incoming_register(actor=request.auth, data=data, files=[(file.name, file.read())],
                                         confirm_duplicate=confirm_duplicate)
        return _out(doc, 201)

    return _idempotent(request, "incoming", make)


@router.post("/{int:doc_id}/register", summary="Register a document delivered by another agency")
def register_received(request, doc_id: int, confirm_duplicate: bool = False):
    doc = selectors.get_visible(request.auth, doc_id)
    return _out(services.incoming_register_received(actor=request.auth, document=doc,
                                                    confirm_duplicate=confirm_duplicate))


@router.post("/{int:doc_id}/direct", summary="The leader's direction (bút phê)")
def direct(request, doc_id: int, payload: DirectIn):
    doc = selectors.get_visible(request.auth, doc_id)
    lead_unit = services.units_in(doc.agency_id, [payload.lead_unit_id])[0] if payload.lead_unit_id else None
    lead_person = services.staff_in(doc.agency_id, payload.lead_person_id) if payload.lead_person_id else None
    services.incoming_direct(actor=request.auth, document=doc, lead_unit=lead_unit, lead_person=lead_person,
                             coordinating_units=services.units_in(doc.agency_id, payload.coordinating_unit_ids),
                             info_units=services.units_in(doc.agency_id, payload.info_unit_ids),
                             deadline=payload.deadline, note=payload.note)
    return _out(doc)


@router.post("/assignments/{int:assignment_id}/handle", summary="Progress, forward, finish or read receipt")
def handle(request, assignment_id: int, payload: HandleIn):
    a = Assignment.objects.filter(pk=assignment_id).first()
    if a is None:
        raise NotFound(_("Không tìm thấy."))
    doc = selectors.get_visible(request.auth, a.document_id)
    if payload.action == "progress":
        services.assignment_progress(actor=request.auth, assignment=a, text=payload.text)
    elif payload.action == "forward":
        services.assignment_forward(actor=request.auth, assignment=a,
                                    to=services.staff_in(doc.agency_id, payload.to_staff_id), note=payload.text)
    elif payload.action == "finish":
        reply = selectors.get_visible(request.auth, payload.reply_id) if payload.reply_id else None
        services.assignment_finish(actor=request.auth, assignment=a, note=payload.text, reply=reply)
    elif payload.action == "read":
        services.mark_read(actor=request.auth, assignment=a)
    else:
        raise ValidationFailed(_("Thao tác phải là progress, forward, finish hoặc read."), field="action")
    return _out(doc)


@router.post("/drafts", summary="Create an outgoing draft composed as text (Idempotency-Key supported)")
def draft(request, payload: DraftIn):
    agency_id = _agency_id(request)
    data = payload.dict(exclude={"signer_id", "recipient_agency_ids", "external_recipients", "in_reply_to_id"})

    def make():
        signer = services.staff_in(agency_id, payload.signer_id) if payload.signer_id else None
        reply_to = selectors.get_visible(request.auth, payload.in_reply_to_id) if payload.in_reply_to_id else None
        doc = services.draft_create(actor=request.auth, data=data, signer=signer,
                                    recipients=services.agencies_by_ids(payload.recipient_agency_ids),
                                    external_recipients=payload.external_recipients[:100])
        if reply_to is not None:
            services._link_reply(reply_to, doc)
        return _out(doc, 201)

    return _idempotent(request, "drafts", make)


@router.post("/{int:doc_id}/submit", summary="Submit a draft for review")
def submit(request, doc_id: int, payload: SubmitIn):
    doc = selectors.get_visible(request.auth, doc_id)
    services.draft_submit(actor=request.auth, document=doc, reviewer=services.staff_in(doc.agency_id,
                                                                                         payload.reviewer_id),
                          note=payload.note)
    return _out(doc)


@router.post("/{int:doc_id}/review", summary="Forward up the chain or return with comments")
def review(request, doc_id: int, payload: ReviewIn):
    doc = selectors.get_visible(request.auth, doc_id)
    if payload.action == "forward":
        services.review_forward(actor=request.auth, document=doc,
                                to=services.staff_in(doc.agency_id, payload.to_staff_id), comment=payload.comment)
    elif payload.action == "return":
        services.review_return(actor=request.auth, document=doc, comment=payload.comment)
    else:
        raise ValidationFailed(_("Thao tác phải là forward hoặc return."), field="action")
    return _out(doc)


@router.post("/{int:doc_id}/approve", summary="Approve (the signer)")
def approve(request, doc_id: int, payload: ApproveIn | None = None):
    doc = selectors.get_visible(request.auth, doc_id)
    services.approve(actor=request.auth, document=doc, comment=payload.comment if payload else "",
                     signing_secret=(payload.signing_secret or None) if payload else None)
    return _out(doc)


@router.post("/{int:doc_id}/issue", summary="Number, date, issue and distribute (the clerk)")
def issue(request, doc_id: int):
    """Body (optional, JSON or form): ``{"signing_secret": "..."}`` — the password/PIN of the agency's
    signing key for the organisation signature; never stored, logged or returned."""
    doc = selectors.get_visible(request.auth, doc_id)
    secret = _issue_secret(request)
    return _out(services.issue(actor=request.auth, document=doc, signing_secret=secret))
