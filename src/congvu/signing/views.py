"""Pages: check a PDF's signatures, see a stored report, manage signing credentials."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.core.errors import DomainError, NotFound
from congvu.org import selectors as org_selectors

from . import services
from .forms import Pkcs11Form, Pkcs12Form, VerifyForm
from .models import Credential


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone signed in uploads a PDF and sees the verdict (the report is kept with the file)."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                row = services.verify_and_store(actor=request.user, data=upload.read(), file_name=upload.name)
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("signing:report", sha256=row.sha256)
        status = 400
    recent = services.visible_reports(request.user).filter(uploaded_by=request.user)[:10]
    return render(request, "signing/verify.html", {"form": form, "recent": recent}, status=status)


@login_required
def report(request: HttpRequest, sha256: str) -> HttpResponse:
    """The stored report of a file by its SHA-256: the person's own uploads, and the files of the documents
    they may see (documents' visibility, confidential rules included).  Anything else is a 404."""
    try:
        row = services.report_for(request.user, sha256)
    except NotFound:
        raise Http404 from None
    template = "signing/_report.html" if request.headers.get("HX-Request") else "signing/report.html"
    return render(request, template, {"row": row, "report": row.report})


@login_required
@require_POST
def recheck(request: HttpRequest, sha256: str) -> HttpResponse:
    """Verify a visible file again (e.g. after a trust root or a CRL was added); back to ``next``."""
    try:
        row = services.recheck(actor=request.user, sha256=sha256)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Đã kiểm tra lại: %(v)s") % {"v": row.verdict})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("signing:report", sha256=row.sha256)


def _manageable(user) -> tuple[object, bool]:
    staff = org_selectors.staff_of(user)
    can_agency = staff is not None and services.can_manage(user, agency=staff.agency, staff=None)
    return staff, can_agency


@login_required
def credentials(request: HttpRequest) -> HttpResponse:
    staff, can_agency = _manageable(request.user)
    if staff is None:
        raise Http404
    modules = services.allowed_pkcs11_modules()
    posted = request.method == "POST"
    kind = request.POST.get("kind", "pkcs12") if posted else ""
    p12_form = Pkcs12Form(request.POST if kind == "pkcs12" else None, request.FILES if kind == "pkcs12" else None,
                          can_manage_agency=can_agency, prefix="p12")
    p11_form = Pkcs11Form(request.POST if kind == "pkcs11" else None, request.FILES if kind == "pkcs11" else None,
                          can_manage_agency=can_agency, modules=modules, prefix="p11")
    status = 200
    if posted:
        if kind not in ("pkcs12", "pkcs11"):
            return HttpResponse(status=400)
        form = p12_form if kind == "pkcs12" else p11_form
        if form.is_valid():
            data = form.cleaned_data
            owner = None if data["owner"] == "agency" else staff
            image = data["image"].read() if data.get("image") else None
            try:
                if kind == "pkcs12":
                    services.credential_add_pkcs12(actor=request.user, agency=staff.agency, staff=owner,
                                                   label=data["label"], p12=data["p12"].read(),
                                                   password=data["password"], image=image)
                else:
                    services.credential_add_pkcs11(actor=request.user, agency=staff.agency, staff=owner,
                                                   label=data["label"], module=data["module"],
                                                   token_label=data["token_label"], key_label=data["key_label"],
                                                   pin=data["pin"], image=image)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã thêm chứng thư ký số."))
                return redirect("signing:credentials")
        status = 400
    mine = Credential.objects.filter(staff=staff).order_by("-is_active", "-created_at")
    agency = Credential.objects.filter(agency=staff.agency, staff__isnull=True).order_by("-is_active", "-created_at")
    return render(request, "signing/credentials.html", {
        "mine": mine, "agency_credentials": agency, "can_agency": can_agency, "p12_form": p12_form,
        "p11_form": p11_form, "modules": modules, "kind": kind,
    }, status=status)


@login_required
@require_POST
def credential_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    staff = org_selectors.staff_of(request.user)
    credential = Credential.objects.filter(pk=pk).select_related("agency", "staff").first()
    if credential is None or staff is None or credential.agency_id != staff.agency_id \
            or not services.can_manage(request.user, agency=credential.agency, staff=credential.staff):
        raise Http404
    services.credential_deactivate(actor=request.user, credential=credential)
    messages.success(request, _("Đã ngừng sử dụng chứng thư."))
    return redirect("signing:credentials")
