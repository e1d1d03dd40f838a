"""Staff workspace pages and error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.errors import DomainError
from congvu.core.selectors import work_calendar
from congvu.org import importers
from congvu.org import selectors as org_selectors
from congvu.org.models import Agency, Role

from .forms import OrgImportForm
from .workqueue import panels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = org_selectors.staff_of(request.user)
    today = timezone.localdate()
    calendar = work_calendar()
    context = {
        "staff": staff,
        "today": today,
        "is_working_day": calendar.is_working_day(today),
        "holiday": calendar.holiday_name(today),
        "next_working_day": calendar.next_working_day(today),
        "panels": panels(request),
    }
    return render(request, "web/home.html", context)


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    """The agency tree (current and ended agencies) and the staff of the user's scope."""
    show_ended = request.GET.get("ended") == "1"
    agencies = org_selectors.agency_list(include_ended=True)
    if not show_ended:
        agencies = agencies.filter(valid_to__isnull=True)
    query = request.GET.get("q", "")[:100]
    staff_qs = org_selectors.staff_list(request.user, query=query)
    page = Paginator(staff_qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/organisation.html", {
        "agencies": agencies, "show_ended": show_ended, "page": page, "query": query,
        "ended_count": Agency.objects.filter(valid_to__isnull=False).count(),
    })


@login_required
def organisation_import(request: HttpRequest) -> HttpResponse:
    """Administrators import agencies, units, rooms and staff from CSV or Excel."""
    if not (request.user.is_superuser or Role.QUAN_TRI in request.user.role_codes()):
        raise PermissionDenied
    form = OrgImportForm(request.POST or None, request.FILES or None)
    errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_file(upload.read(), filename=upload.name, kind=form.cleaned_data["kind"] or None,
                                           actor=request.user)
        except importers.ImportFailed as exc:
            errors = exc.details["errors"]
            form.add_error(None, str(exc))
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Đã nhập: %(n)s") % {
                "n": ", ".join(f"{k} {v}" for k, v in result.created.items())})
            return redirect("web:organisation")
    return render(request, "web/organisation_import.html", {"form": form, "errors": errors}, status=200)


def _error(request, template: str, status: int) -> HttpResponse:
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "web/400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "web/403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "web/404.html", 404)


def server_error(request):
    return _error(request, "web/500.html", 500)
