"""Reads of documents, always through :func:`visible_documents`.

Visibility: documents of the agencies the user may see (org scope), plus issued documents sent
to those agencies; a confidential document (Mật, Tối mật, Tuyệt mật) only to the people named on it
(Access rows) and to its register's keepers (the clerks of its agency) — nobody else, not even an
administrator or a superuser.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.errors import NotFound
from congvu.org.models import Role
from congvu.org.selectors import staff_of, visible_agency_ids

from . import search as search_mod
from .models import Access, Assignment, Direction, Document, Recipient, Register, ReviewStep

S = Document.Status


def visible_documents(user) -> QuerySet:
    qs = Document.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    ids = visible_agency_ids(user)
    if ids is not None:
        if not ids:
            return qs.none()
        sent_to_us = Recipient.objects.filter(agency_id__in=ids, delivery=Recipient.Delivery.DELIVERED)
        qs = qs.filter(Q(agency_id__in=ids) | Q(pk__in=sent_to_us.values("document_id")))
    staff = staff_of(user)
    allowed = Q(confidentiality=0)
    if staff is not None:
        allowed |= Q(pk__in=Access.objects.filter(staff=staff).values("document_id"))
        if Role.VAN_THU in user.role_codes():
            allowed |= Q(agency_id=staff.agency_id)
    return qs.filter(allowed)


def get_visible(user, pk) -> Document:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy văn bản.")) from None
    doc = (visible_documents(user).select_related("agency", "register", "signer__user", "reviewer__user",
                                                 "issuer_agency", "source", "replaces", "in_reply_to")
           .filter(pk=pk).first())
    if doc is None:
        raise NotFound(_("Không tìm thấy văn bản."))
    return doc


def _own(user) -> QuerySet:
    staff = staff_of(user)
    qs = visible_documents(user)
    return qs.filter(agency_id=staff.agency_id) if staff else qs.none()


def incoming_list(user, *, status: str = "", query: str = "") -> QuerySet:
    qs = _own(user).filter(direction=Direction.INCOMING).select_related("agency", "register")
    if status:
        qs = qs.filter(status=status)
    if query:
        ids = [h.document_id for h in search(user, query, limit=500)[0]]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-urgency", "-created_at", "-id")


def outgoing_list(user, *, status: str = "", query: str = "") -> QuerySet:
    qs = _own(user).filter(direction=Direction.OUTGOING).select_related("agency", "register", "reviewer__user")
    if status:
        qs = qs.filter(status=status)
    if query:
        ids = [h.document_id for h in search(user, query, limit=500)[0]]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-created_at", "-id")


def my_assignments(user) -> QuerySet:
    staff = staff_of(user)
    if staff is None:
        return Assignment.objects.none()
    mine = Q(staff=staff) | Q(staff__isnull=True, unit_id=staff.unit_id) if staff.unit_id else Q(staff=staff)
    return (Assignment.objects.filter(mine, state=Assignment.State.OPEN,
                                      document__in=visible_documents(user).values("pk"))
            .exclude(document__status=S.RECALLED)
            .select_related("document", "unit", "staff__user").order_by("deadline", "created_at"))


def assignments_of(doc: Document) -> QuerySet:
    return (doc.assignments.select_related("unit", "staff__user", "read_by__user", "forwarded_from")
            .prefetch_related("notes__author__user"))


def review_steps(doc: Document) -> QuerySet:
    return ReviewStep.objects.filter(document=doc).select_related("reviewer__user", "submitted_by__user")


def search(user, query: str, *, doc_type: str = "", agency_id: int | None = None, direction: str = "",
           status: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
           limit: int = 20, offset: int = 0) -> tuple[list[search_mod.Hit], int]:
    """Ranked hits among the documents the user may see (an empty query gives nothing)."""
    tokens = search_mod.query_words(query)
    if not tokens:
        return [], 0
    qs = visible_documents(user)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if direction:
        qs = qs.filter(direction=direction)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(Q(issued_on__gte=date_from) | Q(issued_on__isnull=True, received_on__gte=date_from))
    if date_to:
        qs = qs.filter(Q(issued_on__lte=date_to) | Q(issued_on__isnull=True, received_on__lte=date_to))
    limit = max(1, min(int(limit), 200))
    staff = staff_of(user)
    ids = visible_agency_ids(user)
    prefilter = {"agency_ids": ids, "staff_id": staff.pk if staff else None,
                 "keeper_agency_id": staff.agency_id if staff and Role.VAN_THU in user.role_codes() else None,
                 "doc_type": doc_type, "direction": direction, "status": status, "agency_id": agency_id,
                 "date_from": date_from, "date_to": date_to}
    return search_mod.backend().search(qs, tokens, limit=limit, offset=max(0, int(offset)), prefilter=prefilter)


def documents_by_ids(user, ids: list[int]) -> list[Document]:
    by_id = visible_documents(user).select_related("agency").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def registers(user) -> QuerySet:
    """Registers of the user's agencies; confidential ones only for their keepers (clerks)."""
    ids = visible_agency_ids(user)
    qs = Register.objects.select_related("agency")
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    staff = staff_of(user)
    if not (staff and Role.VAN_THU in user.role_codes()):
        qs = qs.filter(confidential=False)
    else:
        qs = qs.filter(Q(confidential=False) | Q(agency_id=staff.agency_id))
    return qs.order_by("agency__path", "-year", "direction", "confidential")


def get_register(user, pk) -> Register:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy sổ.")) from None
    reg = registers(user).filter(pk=pk).first()
    if reg is None:
        raise NotFound(_("Không tìm thấy sổ."))
    return reg


def register_rows(user, register: Register) -> QuerySet:
    """The register's documents in number order (only those the user may see)."""
    return (visible_documents(user).filter(register=register).select_related("signer__user")
            .prefetch_related("recipients", "assignments__unit", "assignments__staff__user")
            .order_by("register_number"))


def workqueue_panel(request) -> dict | None:
    """Home page panel: incoming waiting for me (clerk: to register; leader: to direct; handler: to handle),
    drafts to review, approved documents to issue."""
    user = request.user
    staff = staff_of(user)
    if staff is None:
        return None
    today = timezone.localdate()
    items = []
    visible = _own(user)
    roles = user.role_codes()
    if Role.VAN_THU in roles:
        for d in visible.filter(direction=Direction.INCOMING, status=S.RECEIVED)[:10]:
            items.append(_item(d, _("Vào sổ: %(s)s") % {"s": d}, d.due_on, today))
        for d in visible.filter(direction=Direction.OUTGOING, status=S.APPROVED)[:10]:
            items.append(_item(d, _("Cấp số, ban hành: %(s)s") % {"s": d.subject[:100]}, None, today))
    if Role.LANH_DAO in roles:
        for d in visible.filter(direction=Direction.INCOMING, status=S.SUBMITTED, reviewer=staff)[:10]:
            items.append(_item(d, _("Cho ý kiến chỉ đạo: %(s)s") % {"s": d}, d.due_on, today))
    for d in visible.filter(direction=Direction.OUTGOING, status=S.IN_REVIEW, reviewer=staff)[:10]:
        items.append(_item(d, _("Xem xét dự thảo: %(s)s") % {"s": d.subject[:100]}, None, today))
    for a in my_assignments(user)[:15]:
        label = _("Để biết: %(s)s") if a.kind == Assignment.Kind.INFO else _("Xử lý (%(k)s): %(s)s")
        items.append(_item(a.document, label % {"s": a.document, "k": a.get_kind_display()}, a.deadline, today))
    return {"title": _("Văn bản cần xử lý"), "items": items, "more_url": reverse("documents:incoming")}


def _item(doc: Document, label: str, due, today) -> dict:
    return {"label": label, "url": reverse("documents:detail", args=[doc.pk]), "due": due,
            "overdue": bool(due and due < today), "marks": doc.marks}
