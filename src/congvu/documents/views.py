"""Pages of incoming and outgoing documents, registers and search.  All login-required and scoped."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from congvu.core import audit
from congvu.core.errors import DomainError, NotFound
from congvu.core.files import store_bytes
from congvu.core.filetext import FileTextError, text_of
from congvu.core.models import StoredFile
from congvu.org.models import Role
from congvu.org.selectors import staff_of, visible_agency_ids

from . import exports, pdfsteps, prefill, selectors, services, verification
from .forms import ComposeForm, DirectForm, IncomingForm, PresentForm, ReviewerForm, SearchForm, UploadForm
from .models import Assignment, Direction, Document, DocumentFile

S = Document.Status
SESSION_UPLOADS = "documents_uploads"


def _staff_or_404(request):
    staff = staff_of(request.user)
    if staff is None:
        raise Http404
    return staff


def _doc(request, pk) -> Document:
    try:
        return selectors.get_visible(request.user, pk)
    except NotFound:
        raise Http404 from None


ACTION_LABELS = {
    "documents.incoming.register": gettext_lazy("Vào sổ văn bản đến"),
    "documents.incoming.receive": gettext_lazy("Nhận qua hệ thống"),
    "documents.incoming.submit": gettext_lazy("Trình lãnh đạo"),
    "documents.incoming.direct": gettext_lazy("Bút phê, chỉ đạo"),
    "documents.incoming.start": gettext_lazy("Bắt đầu xử lý"),
    "documents.incoming.progress": gettext_lazy("Ghi tiến độ"),
    "documents.incoming.forward": gettext_lazy("Chuyển xử lý"),
    "documents.incoming.finish": gettext_lazy("Hoàn thành xử lý"),
    "documents.incoming.finish_part": gettext_lazy("Hoàn thành phần việc"),
    "documents.incoming.read": gettext_lazy("Đã đọc"),
    "documents.incoming.reply_draft": gettext_lazy("Soạn văn bản trả lời"),
    "documents.incoming.recall": gettext_lazy("Bị thu hồi"),
    "documents.outgoing.draft": gettext_lazy("Tạo dự thảo"),
    "documents.outgoing.edit": gettext_lazy("Sửa dự thảo"),
    "documents.outgoing.submit": gettext_lazy("Trình duyệt"),
    "documents.outgoing.forward": gettext_lazy("Chuyển tiếp"),
    "documents.outgoing.return": gettext_lazy("Trả lại để sửa"),
    "documents.outgoing.approve": gettext_lazy("Duyệt"),
    "documents.outgoing.issue": gettext_lazy("Cấp số, ban hành"),
    "documents.outgoing.distribute": gettext_lazy("Phân phối"),
    "documents.outgoing.recall": gettext_lazy("Thu hồi"),
    "documents.outgoing.replace": gettext_lazy("Bị thay thế"),
    "documents.outgoing.replacement_draft": gettext_lazy("Soạn văn bản thay thế"),
    "documents.outgoing.registered_by_recipient": gettext_lazy("Nơi nhận đã vào sổ"),
    "documents.outgoing.import": gettext_lazy("Nhập từ hệ thống cũ"),
    "documents.file.download": gettext_lazy("Tải tệp"),
}


def timeline(doc: Document) -> list[dict]:
    states = dict(S.choices)
    return [{"at": e.at, "actor": e.actor_label, "label": ACTION_LABELS.get(e.action, e.action),
             "state": states.get(e.to_state, e.to_state), "note": e.note} for e in audit.history(doc)]


# ------------------------------------------------------------------ lists


@login_required
def incoming(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_404(request)
    status = request.GET.get("status", "")
    if status not in dict(S.choices):
        status = ""
    query = request.GET.get("q", "")[:200]
    qs = selectors.incoming_list(request.user, status=status, query=query)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "documents/incoming_list.html", {
        "page": page, "status": status, "query": query, "staff": staff,
        "statuses": [(s, label) for s, label in S.choices if s in (
            "received", "registered", "submitted", "directed", "in_progress", "done", "recalled")],
        "assignments": selectors.my_assignments(request.user)[:50],
        "is_clerk": Role.VAN_THU in request.user.role_codes()})


@login_required
def outgoing(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_404(request)
    status = request.GET.get("status", "")
    if status not in dict(S.choices):
        status = ""
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.outgoing_list(request.user, status=status, query=query), 30).get_page(
        request.GET.get("page"))
    return render(request, "documents/outgoing_list.html", {
        "page": page, "status": status, "query": query, "staff": staff,
        "statuses": [(s, label) for s, label in S.choices if s in (
            "draft", "in_review", "returned", "approved", "issued", "recalled", "replaced")]})


# ------------------------------------------------------------------ incoming registration


def _remember_upload(request, sha: str) -> None:
    uploads = [s for s in request.session.get(SESSION_UPLOADS, []) if s != sha][-19:]
    request.session[SESSION_UPLOADS] = [*uploads, sha]


def _uploaded(request, sha: str) -> StoredFile | None:
    if not sha or sha not in request.session.get(SESSION_UPLOADS, []):
        return None
    return StoredFile.objects.filter(sha256=sha).first()


@login_required
def incoming_new(request: HttpRequest) -> HttpResponse:
    """Step 1: upload the file (prefill from its text); step 2: confirm the metadata and register."""
    staff = _staff_or_404(request)
    if not services.is_clerk(staff, staff.agency_id):
        raise Http404
    upload_form = UploadForm()
    form = None
    stored = None
    duplicate = None
    if request.method == "POST" and "upload" not in request.POST:
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            data = upload_form.cleaned_data["file"].read()
            try:
                text = text_of(data)
            except FileTextError as exc:
                text = "" if exc.code == "no_text_layer" else None
                if text is None:
                    upload_form.add_error("file", exc.message)
            if text is not None:
                try:
                    stored = store_bytes(data, allowed_types=services.ALLOWED_TYPES)
                except DomainError as exc:
                    upload_form.add_error("file", str(exc))
                else:
                    _remember_upload(request, stored.sha256)
                    request.session[f"{SESSION_UPLOADS}:{stored.sha256}"] = upload_form.cleaned_data["file"].name[:200]
                    p = prefill.prefill(text)
                    form = IncomingForm(initial={
                        "doc_type": p.get("type") or "cong_van", "number": p.get("number"),
                        "symbol": p.get("symbol") or "", "issuer_name": p.get("issuer") or "",
                        "issued_on": p.get("date"), "subject": p.get("subject") or "",
                        "signer_name": p.get("signer") or "", "urgency": p.get("urgency") or 0,
                        "confidentiality": p.get("confidentiality") or 0, "upload": stored.sha256})
                    if not text:
                        messages.warning(request, _("Tệp không có lớp văn bản (bản quét): hãy nhập thông tin."))
    elif request.method == "POST":
        form = IncomingForm(request.POST)
        stored = _uploaded(request, request.POST.get("upload", ""))
        if stored is None:
            form.is_valid()
            form.add_error(None, _("Tệp đã tải lên không còn: hãy tải lại tệp."))
        elif form.is_valid():
            cd = form.cleaned_data
            name = request.session.get(f"{SESSION_UPLOADS}:{stored.sha256}", "van-ban")
            try:
                doc = services.incoming_register(actor=request.user, data=cd, files=[(name, stored.read())],
                                                 confirm_duplicate=cd["confirm_duplicate"])
            except DomainError as exc:
                if exc.code == "duplicate":
                    duplicate = exc.details.get("document_id")
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": doc.register_number})
                return redirect("documents:detail", doc.pk)
    return render(request, "documents/incoming_new.html", {
        "upload_form": upload_form, "form": form, "stored": stored, "duplicate": duplicate},
        status=400 if (form is not None and form.errors) or upload_form.errors else 200)


@login_required
def register_received(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a document delivered by another agency of the installation."""
    doc = _doc(request, pk)
    staff = _staff_or_404(request)
    if doc.status != S.RECEIVED or not services.is_clerk(staff, doc.agency_id):
        raise Http404
    initial = {f: getattr(doc, f) for f in ("doc_type", "number", "symbol", "issuer_name", "issued_on", "subject",
                                            "signer_name", "urgency", "confidentiality", "due_on", "note")}
    form = IncomingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.incoming_register_received(actor=request.user, document=doc, data=form.cleaned_data,
                                                confirm_duplicate=form.cleaned_data["confirm_duplicate"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Đã vào sổ văn bản đến."))
            return redirect("documents:detail", doc.pk)
    return render(request, "documents/register_received.html", {"doc": doc, "form": form},
                  status=400 if form.errors else 200)


# ------------------------------------------------------------------ detail and files


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _doc(request, pk)
    staff = staff_of(request.user)
    files = list(doc.files.select_related("file").order_by("role", "name", "-version"))
    latest = {}
    for f in files:
        latest.setdefault((f.role, f.name), f)
    checks, by_file = [], {}
    if verification.VERIFIERS and not (doc.direction == Direction.INCOMING and doc.status == S.RECALLED):
        for f in files:  # every PDF version the person can download gets its verification result
            if f.file.content_type == "application/pdf":
                by_file[f.pk] = verification.results(f, request.user)
                if f.pk in {x.pk for x in latest.values()}:
                    checks.append({"file": f, "results": by_file[f.pk]})
    for f in files:
        f.checks = by_file.get(f.pk, [])
    assignments = list(selectors.assignments_of(doc))
    mine = [a for a in assignments if a.state == Assignment.State.OPEN and services.holds(staff, a)]
    ctx = {
        "doc": doc, "staff": staff, "files": files, "latest_ids": {f.pk for f in latest.values()}, "checks": checks,
        "timeline": timeline(doc), "assignments": assignments, "mine": mine,
        "routings": doc.routings.select_related("directed_by__user", "lead_unit", "lead_person__user")
        .prefetch_related("coordinating_units", "info_units"),
        "steps": selectors.review_steps(doc), "recipients": doc.recipients.select_related("delivered_document"),
        "is_clerk": services.is_clerk(staff, doc.agency_id), "is_leader": services.is_leader(staff, doc.agency_id),
        "can_edit": staff is not None and services._can_edit(staff, doc),
        "is_reviewer": staff is not None and doc.reviewer_id == staff.pk and doc.status == S.IN_REVIEW,
        "replies": doc.replies.all(),
    }
    if doc.direction == Direction.OUTGOING and staff is not None:
        if ctx["is_reviewer"] and ctx["is_leader"]:
            ctx["approve_prompt"] = pdfsteps.prompt("approve", actor=request.user, document=doc)
        if ctx["is_clerk"] and doc.status == S.APPROVED:
            ctx["issue_prompt"] = pdfsteps.prompt("issue", actor=request.user, document=doc)
    if doc.agency_id == getattr(staff, "agency_id", None):
        ctx["present_form"] = PresentForm(agency=doc.agency) if ctx["is_clerk"] else None
        ctx["reviewer_form"] = ReviewerForm(agency=doc.agency, exclude=staff)
        ctx["forward_staff"] = [s for s in ReviewerForm(agency=doc.agency, exclude=staff).fields["reviewer"].queryset
                                if staff and s.unit_id and s.unit_id in {a.unit_id for a in mine} | {staff.unit_id}]
    return render(request, "documents/detail.html", ctx)


@login_required
def file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    doc = _doc(request, pk)
    if doc.direction == Direction.INCOMING and doc.status == S.RECALLED:
        raise Http404  # recalled by the sender: no longer accessible
    f = DocumentFile.objects.select_related("file").filter(pk=file_pk, document=doc).first()
    if f is None:
        raise Http404
    audit.record(action="documents.file.download", actor=request.user, obj=doc, changes={"file": f.pk})
    response = FileResponse(f.file.open(), content_type=f.file.content_type)
    response["Content-Disposition"] = content_disposition_header(request.GET.get("inline") != "1", f.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ incoming actions


def _after(request, doc_pk, ok_message):
    messages.success(request, ok_message)
    return redirect("documents:detail", doc_pk)


def _domain_error(request, exc: DomainError, doc_pk):
    messages.error(request, str(exc))
    return redirect("documents:detail", doc_pk)


@login_required
@require_POST
def present(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _doc(request, pk)
    form = PresentForm(request.POST, agency=doc.agency)
    if not form.is_valid():
        messages.error(request, _("Chọn lãnh đạo để trình."))
        return redirect("documents:detail", doc.pk)
    try:
        services.incoming_submit(actor=request.user, document=doc, leader=form.cleaned_data["leader"],
                                 note=form.cleaned_data["note"])
    except DomainError as exc:
        return _domain_error(request, exc, doc.pk)
    return _after(request, doc.pk, _("Đã trình lãnh đạo."))


@login_required
def direct(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _doc(request, pk)
    staff = _staff_or_404(request)
    if doc.direction != Direction.INCOMING or not services.is_leader(staff, doc.agency_id):
        raise Http404
    form = DirectForm(request.POST or None, agency=doc.agency, initial={"deadline": doc.due_on})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.incoming_direct(actor=request.user, document=doc, lead_unit=cd["lead_unit"],
                                     lead_person=cd["lead_person"], coordinating_units=cd["coordinating_units"],
                                     info_units=cd["info_units"], deadline=cd["deadline"], note=cd["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return _after(request, doc.pk, _("Đã ghi ý kiến chỉ đạo."))
    return render(request, "documents/direct.html", {"doc": doc, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def assignment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    a = Assignment.objects.filter(pk=pk).select_related("document").first()
    if a is None:
        raise Http404
    doc = _doc(request, a.document_id)  # 404 when the document is not visible
    staff = staff_of(request.user)
    try:
        if action == "progress":
            services.assignment_progress(actor=request.user, assignment=a, text=request.POST.get("text", ""))
            msg = _("Đã ghi tiến độ.")
        elif action == "forward":
            to = services.staff_in(doc.agency_id, request.POST.get("to"))
            services.assignment_forward(actor=request.user, assignment=a, to=to, note=request.POST.get("note", ""))
            msg = _("Đã chuyển cho %(n)s.") % {"n": to.full_name}
        elif action == "finish":
            reply = None
            if request.POST.get("reply"):
                reply = selectors.get_visible(request.user, request.POST["reply"])
            services.assignment_finish(actor=request.user, assignment=a, note=request.POST.get("note", ""),
                                       reply=reply)
            msg = _("Đã hoàn thành.")
        elif action == "read":
            services.mark_read(actor=request.user, assignment=a)
            msg = _("Đã xác nhận đã đọc.")
        elif action == "reply":
            if not services.holds(staff, a):
                raise NotFound(_("Không tìm thấy."))
            reply = services.reply_draft_create(actor=request.user, incoming=doc)
            messages.success(request, _("Đã tạo dự thảo văn bản trả lời."))
            return redirect("documents:edit", reply.pk)
        else:
            raise Http404
    except DomainError as exc:
        return _domain_error(request, exc, doc.pk)
    return _after(request, doc.pk, msg)


# ------------------------------------------------------------------ outgoing


def _compose_kwargs(cd) -> dict:
    data = {k: cd.get(k) for k in ("doc_type", "subject", "unit_abbr", "urgency", "confidentiality", "authority",
                                   "authority_line", "signer_title", "body", "recipients_text")}
    kwargs = {"data": data, "signer": cd.get("signer"), "recipients": list(cd.get("recipients") or []),
              "external_recipients": [line for line in (cd.get("external_recipients") or "").splitlines()
                                      if line.strip()]}
    if cd.get("body_file"):
        kwargs["body_file"] = (cd["body_file"].name, cd["body_file"].read())
    return kwargs


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_404(request)
    form = ComposeForm(request.POST or None, request.FILES or None, agency=staff.agency)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.draft_create(actor=request.user, **_compose_kwargs(form.cleaned_data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents:detail", doc.pk)
    return render(request, "documents/compose.html", {"form": form, "doc": None},
                  status=400 if form.errors else 200)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _doc(request, pk)
    staff = _staff_or_404(request)
    if not services._can_edit(staff, doc):
        raise Http404
    recips = list(doc.recipients.all())
    initial = {f: getattr(doc, f) for f in ("doc_type", "subject", "unit_abbr", "urgency", "confidentiality",
                                            "authority", "authority_line", "signer_title", "body", "recipients_text")}
    initial.update({"signer": doc.signer, "recipients": [r.agency for r in recips if r.agency_id],
                    "external_recipients": "\n".join(r.name for r in recips if not r.agency_id)})
    has_file = not doc.composed and doc.files.exists()
    form = ComposeForm(request.POST or None, request.FILES or None, agency=doc.agency, initial=initial,
                       has_file=has_file)
    if has_file:
        form.fields["body_file"].help_text = _("Để trống để giữ tệp hiện có.")
    if request.method == "POST" and form.is_valid():
        kwargs = _compose_kwargs(form.cleaned_data)
        kwargs["data"]["body"] = (kwargs["data"]["body"] or "").strip()
        try:
            services.draft_update(actor=request.user, document=doc, **kwargs)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return _after(request, doc.pk, _("Đã lưu dự thảo."))
    return render(request, "documents/compose.html", {"form": form, "doc": doc}, status=400 if form.errors else 200)


def _secret(post) -> str | None:
    """The password/PIN typed for signing (memory only: never stored, logged or echoed)."""
    value = post.get("signing_secret", "")
    return value if value and len(value) <= 1024 else None


@sensitive_post_parameters("signing_secret")
@login_required
@require_POST
def outgoing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    doc = _doc(request, pk)
    post = request.POST
    try:
        if action == "submit":
            services.draft_submit(actor=request.user, document=doc,
                                  reviewer=services.staff_in(doc.agency_id, post.get("reviewer")),
                                  note=post.get("note", ""))
            msg = _("Đã trình dự thảo.")
        elif action == "forward":
            services.review_forward(actor=request.user, document=doc,
                                    to=services.staff_in(doc.agency_id, post.get("reviewer")),
                                    comment=post.get("note", ""))
            msg = _("Đã chuyển tiếp dự thảo.")
        elif action == "return":
            services.review_return(actor=request.user, document=doc, comment=post.get("note", ""))
            msg = _("Đã trả lại dự thảo.")
        elif action == "approve":
            services.approve(actor=request.user, document=doc, comment=post.get("note", ""),
                             signing_secret=_secret(post))
            msg = _("Đã duyệt văn bản.")
        elif action == "issue":
            doc = services.issue(actor=request.user, document=doc, signing_secret=_secret(post))
            msg = _("Đã cấp số %(ref)s và ban hành.") % {"ref": doc.reference}
        elif action == "distribute":
            services.distribute(actor=request.user, document=doc)
            msg = _("Đã phân phối văn bản.")
        elif action == "recall":
            services.recall(actor=request.user, document=doc, reason=post.get("note", ""))
            msg = _("Đã thu hồi văn bản.")
        elif action == "replace":
            new = services.replacement_draft(actor=request.user, document=doc)
            messages.success(request, _("Đã tạo dự thảo văn bản thay thế."))
            return redirect("documents:edit", new.pk)
        else:
            raise Http404
    except DomainError as exc:
        return _domain_error(request, exc, doc.pk)
    return _after(request, doc.pk, msg)


# ------------------------------------------------------------------ registers and search


@login_required
def registers(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    return render(request, "documents/registers.html", {"registers": selectors.registers(request.user)})


@login_required
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reg = selectors.get_register(request.user, pk)
    except NotFound:
        raise Http404 from None
    rows = selectors.register_rows(request.user, reg)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "documents/register.html", {"register": reg, "page": page,
                                                        "columns": exports.columns(reg)})


@login_required
def register_export(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reg = selectors.get_register(request.user, pk)
    except NotFound:
        raise Http404 from None
    data = exports.register_xlsx(reg, selectors.register_rows(request.user, reg))
    audit.record(action="documents.register.export", actor=request.user, obj=reg.agency,
                 changes={"register": reg.pk})
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(reg))
    return response


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    ids = visible_agency_ids(request.user)
    form = SearchForm(request.GET or None, agency_ids=ids)
    hits, total, docs = [], 0, []
    page_no = max(1, min(_int(request.GET.get("page"), 1), 50))
    if request.GET and form.is_valid() and form.cleaned_data["q"].strip():
        cd = form.cleaned_data
        hits, total = selectors.search(request.user, cd["q"], doc_type=cd["doc_type"],
                                       agency_id=cd["agency"].pk if cd["agency"] else None,
                                       direction=cd["direction"], status=cd["status"], date_from=cd["date_from"],
                                       date_to=cd["date_to"], limit=20, offset=(page_no - 1) * 20)
        by_id = {d.pk: d for d in selectors.documents_by_ids(request.user, [h.document_id for h in hits])}
        docs = [(by_id[h.document_id], h.score) for h in hits if h.document_id in by_id]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "documents/search.html", {
        "form": form, "results": docs, "total": total, "page_no": page_no, "params": params.urlencode(),
        "has_next": page_no * 20 < total}, status=400 if form.errors else 200)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
