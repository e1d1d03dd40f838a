"""Workforce pages: rules, plans (run, progress, review, adjust, publish, export), my schedule,
check-in (home and room QR), attendance by day and by month."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import DomainError, NotFound, ValidationFailed
from congvu.org import selectors as org_selectors
from congvu.org.models import Agency, Room, Staff, Unit

from . import exports, selectors, services
from .forms import COVER_ROLES, AdjustForm, PlanStartForm, PreferenceForm, RuleSetForm
from .models import CheckIn, Plan, Preference

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _manager(request) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied


def _leader(request) -> None:
    if not selectors.can_lead(request.user):
        raise PermissionDenied


def _scoped(getter, request, pk):
    try:
        return getter(request.user, pk)
    except NotFound:
        raise Http404 from None


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _agencies(request):
    return org_selectors.scope(Agency.objects.filter(valid_to__isnull=True), request.user, field="pk").order_by("path")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    manager = selectors.can_manage(request.user)
    return render(request, "workforce/index.html", {
        "manager": manager, "leader": selectors.can_lead(request.user),
        "rule_sets": selectors.rule_sets(request.user)[:50],
        "plans": selectors.plans(request.user)[:50],
    })


@login_required
def rules_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    rule_set = _scoped(selectors.get_rule_set, request, pk) if pk else None
    agencies = _agencies(request)
    staff = org_selectors.scope(Staff.objects.filter(is_active=True), request.user) \
        .select_related("user", "agency").order_by("agency__path", "user__full_name")
    initial = {}
    if rule_set is not None:
        cover = {c.role.code: c.min_onsite for c in rule_set.cover.select_related("role")}
        initial = {
            "name": rule_set.name, "legal_basis": rule_set.legal_basis,
            "period_start": rule_set.period_start.strftime("%d/%m/%Y"),
            "period_end": rule_set.period_end.strftime("%d/%m/%Y"),
            "scope_agencies": list(rule_set.scope_agencies.all()), "ratio": rule_set.ratio_label.replace("—", ""),
            "max_per_room": rule_set.max_per_room, "exempt_agencies": list(rule_set.exempt_agencies.all()),
            "exempt_staff": list(rule_set.exempt_staff.all()), "must_stay_home": list(rule_set.must_stay_home.all()),
            "must_come_in": list(rule_set.must_come_in.all()),
            "cohorts": "\n".join(f"{c.name}: " + ", ".join(m.employee_code for m in c.members.all())
                                 for c in rule_set.cohorts.prefetch_related("members")),
            **{field: cover.get(code, 0) for code, field in COVER_ROLES},
        }
    form = RuleSetForm(request.POST or None, initial=initial, agencies=agencies, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope_list = list(data["scope_agencies"])
        cover = []
        for code, field in COVER_ROLES:
            minimum = data.get(field) or 0
            if not minimum:
                continue
            for agency in scope_list:
                if Staff.objects.filter(agency=agency, is_active=True, roles__code=code).exists():
                    cover.append((agency, code, minimum))
        cohorts = []
        for name, members in data["cohorts"]:
            by_agency = defaultdict(list)
            for member in members:
                by_agency[member.agency].append(member)
            cohorts += [(agency, name, people) for agency, people in by_agency.items()]
        try:
            rule_set = services.rule_set_save(
                actor=request.user, rule_set=rule_set, name=data["name"], legal_basis=data["legal_basis"],
                period_start=data["period_start"], period_end=data["period_end"], scope_agencies=scope_list,
                ratio=data["ratio"], max_per_room=data["max_per_room"], exempt_agencies=data["exempt_agencies"],
                exempt_staff=data["exempt_staff"], must_stay_home=data["must_stay_home"],
                must_come_in=data["must_come_in"], cover=cover, cohorts=cohorts)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Đã lưu bộ quy tắc."))
            return redirect("workforce:rules_detail", pk=rule_set.pk)
    return render(request, "workforce/rules_form.html", {"form": form, "rule_set": rule_set})


@login_required
def rules_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _scoped(selectors.get_rule_set, request, pk)
    return render(request, "workforce/rules_detail.html", {
        "rule_set": rule_set, "manager": selectors.can_manage(request.user),
        "scope": selectors.scope_agencies(rule_set), "days": selectors.working_days(rule_set),
        "cover": rule_set.cover.select_related("agency", "role"), "cohorts": rule_set.cohorts.prefetch_related(
            "members__user"), "plans": rule_set.plans.all(), "form": PlanStartForm(),
    })


@login_required
@require_POST
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rule_set = _scoped(selectors.get_rule_set, request, pk)
    form = PlanStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thời gian tính toán từ 1 đến 600 giây."))
        return redirect("workforce:rules_detail", pk=pk)
    try:
        plan = services.plan_start(actor=request.user, rule_set=rule_set, time_limit=form.cleaned_data["time_limit"])
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("workforce:rules_detail", pk=pk)
    return redirect("workforce:plan_detail", pk=plan.pk)


LARGE_PLAN = 300  # staff: above this, a plan is shown one agency at a time


def _plan_context(request, plan: Plan, adjust_form=None, check=None) -> dict:
    view = request.GET.get("xem", "ngay")
    agencies = selectors.scope_agencies(plan.rule_set)
    chosen = request.GET.get("co_quan") or request.POST.get("co_quan") or ""
    agency = next((a for a in agencies if str(a.pk) == chosen), None)
    if agency is None and len(agencies) > 1 and \
            plan.assignments.values("staff_id").distinct().count() > LARGE_PLAN:
        agency = agencies[0]
    days, grid = selectors.plan_grid(plan, agency_id=agency.pk if agency else None)
    staff_ids = [row["staff"].pk for row in grid]
    context = {"plan": plan, "manager": selectors.can_manage(request.user), "view": view, "days": days,
               "conflicts": plan.conflicts, "check": check, "agencies": agencies if len(agencies) > 1 else [],
               "agency": agency}
    if view == "nguoi":
        context["grid"] = grid
    elif view == "phong":
        context["rooms"] = selectors.plan_by_room(plan, days, agency_id=agency.pk if agency else None)
    else:
        by_day = defaultdict(list)
        for row in grid:
            for day, cell in zip(days, row["cells"], strict=True):
                if cell:
                    by_day[day].append(row["staff"])
        context["by_day"] = [{"day": d, "weekday": WEEKDAYS[d.weekday()], "people": by_day[d]} for d in days]
    if context["manager"] and plan.status in (Plan.Status.READY, Plan.Status.PUBLISHED):
        context["adjust_form"] = adjust_form or AdjustForm(
            staff=Staff.objects.filter(pk__in=staff_ids).select_related("user", "agency"), days=days)
    return context


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _scoped(selectors.get_plan, request, pk)
    return render(request, "workforce/plan_detail.html", _plan_context(request, plan))


@login_required
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _scoped(selectors.get_plan, request, pk)
    response = render(request, "workforce/_plan_progress.html", {"plan": plan})
    if plan.status != Plan.Status.SOLVING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the plan is done: reload the whole page once
    return response


@login_required
@require_POST
def plan_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    plan = _scoped(selectors.get_plan, request, pk)
    days, grid = selectors.plan_grid(plan)
    staff = Staff.objects.filter(pk__in=[row["staff"].pk for row in grid]).select_related("user", "agency")
    form = AdjustForm(request.POST, staff=staff, days=days)
    live = request.POST.get("check") == "1"
    check = None
    if form.is_valid():
        args = {"plan": plan, "staff": form.cleaned_data["staff"], "day": form.cleaned_data["day"],
                "on_site": form.cleaned_data["on_site"]}
        try:
            if live:
                check = {"violations": services.check_change(**args)}
            else:
                services.assignment_change(actor=request.user, **args)
                messages.success(request, _("Đã điều chỉnh: %(name)s ngày %(day)s.") % {
                    "name": args["staff"].full_name, "day": args["day"].strftime("%d/%m/%Y")})
                return redirect(reverse("workforce:plan_detail", args=[plan.pk]) + "?xem=nguoi")
        except ValidationFailed as exc:
            violations = exc.details.get("violations") or [{"message": str(exc)}]
            check = {"violations": violations}
            if not live:
                form.add_error(None, _("Không điều chỉnh được: %(m)s") % {"m": violations[0]["message"]})
        except DomainError as exc:
            form.add_error(None, str(exc))
    if live:
        return render(request, "workforce/_adjust_check.html", {"check": check, "form": form})
    plan.refresh_from_db()
    return render(request, "workforce/plan_detail.html", _plan_context(request, plan, form, check), status=400)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    plan = _scoped(selectors.get_plan, request, pk)
    try:
        services.plan_publish(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã công bố phương án. Cán bộ xem được lịch của mình."))
    return redirect("workforce:plan_detail", pk=pk)


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _scoped(selectors.get_plan, request, pk)
    days, grid = selectors.plan_grid(plan)
    return exports.xlsx_response(exports.plan_workbook(plan, days, grid), f"phuong-an-{plan.pk}.xlsx")


def _date_param(request, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        return parse_date(raw[:40])
    except DateParseError:
        return default


@login_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    staff = org_selectors.staff_of(request.user)
    today = timezone.localdate()
    start = _date_param(request, "tu", today)
    end = start + dt.timedelta(days=41)
    entries = selectors.my_schedule(staff, start=start, end=end) if staff else []
    for entry in entries:
        entry["weekday"] = WEEKDAYS[entry["day"].weekday()]
    return render(request, "workforce/my_schedule.html", {
        "staff": staff, "entries": entries, "start": start, "end": end, "today": today,
        "prev": (start - dt.timedelta(days=42)).strftime("%d/%m/%Y"),
        "next": (end + dt.timedelta(days=1)).strftime("%d/%m/%Y")})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Staff say which days they would rather work on site or at home."""
    staff = org_selectors.staff_of(request.user)
    if staff is None:
        raise PermissionDenied
    today = timezone.localdate()
    rule_sets = selectors.rule_sets_for_staff(staff, today=today)
    form = PreferenceForm(request.POST if request.POST.get("action") != "delete" else None, rule_sets=rule_sets)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                raw = request.POST.get("pk", "")
                if not raw.isdigit() or len(raw) > 12:
                    raise NotFound(_("Không tìm thấy."))
                services.preference_delete(staff=staff, pk=int(raw))
                messages.success(request, _("Đã xóa nguyện vọng."))
                return redirect("workforce:preferences")
            if form.is_valid():
                data = form.cleaned_data
                services.preference_set(staff=staff, rule_set=data["rule_set"], day=data["day"],
                                        on_site=data["on_site"])
                messages.success(request, _("Đã ghi nguyện vọng."))
                return redirect("workforce:preferences")
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        status = 400
    return render(request, "workforce/preferences.html", {
        "form": form, "rule_sets": rule_sets,
        "items": Preference.objects.filter(staff=staff, rule_set__in=rule_sets).select_related("rule_set")
        .order_by("day")}, status=status)


@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    staff = org_selectors.staff_of(request.user)
    if staff is None:
        return render(request, "workforce/checkin.html", {"staff": None}, status=403)
    today = timezone.localdate()
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "out":
                services.checkout(staff=staff, ip=_client_ip(request))
                messages.success(request, _("Đã ghi giờ kết thúc làm việc."))
            elif action == "home":
                _check, created = services.checkin(
                    staff=staff, mode=CheckIn.Mode.HOME, ip=_client_ip(request),
                    latitude=request.POST.get("latitude") or None, longitude=request.POST.get("longitude") or None,
                    idempotency_key=request.POST.get("idempotency_key") or None)
                messages.success(request, _("Đã điểm danh làm việc tại nhà.") if created
                                 else _("Bạn đã điểm danh hôm nay rồi."))
            else:
                raise ValidationFailed(_("Chọn thao tác điểm danh."))
        except DomainError as exc:
            error = str(exc)
        else:
            return redirect("workforce:checkin")
    planned = selectors.expected_on([staff.pk], today).get(staff.pk)
    return render(request, "workforce/checkin.html", {
        "staff": staff, "today": today, "weekday": WEEKDAYS[today.weekday()], "planned": planned,
        "checkins": CheckIn.objects.filter(staff=staff, day=today).select_related("room").order_by("time_in"),
        "error": error, "idempotency_key": uuid.uuid4().hex,
    }, status=400 if error else 200)


@login_required
def checkin_room(request: HttpRequest, token: str) -> HttpResponse:
    """The page a room's QR code opens: confirm the on-site check-in."""
    staff = org_selectors.staff_of(request.user)
    try:
        room = selectors.room_from_token(token)
    except NotFound:
        raise Http404 from None
    if staff is None or room.agency_id != staff.agency_id:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            _check, created = services.checkin(staff=staff, mode=CheckIn.Mode.ON_SITE, room=room,
                                               ip=_client_ip(request),
                                               idempotency_key=request.POST.get("idempotency_key") or None)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã điểm danh tại trụ sở, %(room)s.") % {"room": room.name} if created
                             else _("Bạn đã điểm danh tại trụ sở hôm nay rồi."))
            return redirect("workforce:checkin")
    return render(request, "workforce/checkin_room.html", {"room": room, "error": error,
                                                           "idempotency_key": uuid.uuid4().hex},
                  status=400 if error else 200)


@login_required
def room_codes(request: HttpRequest) -> HttpResponse:
    _manager(request)
    rooms = org_selectors.scope(Room.objects.select_related("agency"), request.user).order_by("agency__path", "code")
    return render(request, "workforce/room_codes.html", {"rooms": rooms[:500]})


@login_required
def room_qr(request: HttpRequest, room_id: int) -> HttpResponse:
    _manager(request)
    room = _scoped(lambda user, pk: org_selectors.get_scoped(Room.objects.all(), user, pk=pk), request, room_id)
    import segno

    url = request.build_absolute_uri(reverse("workforce:checkin_room", args=[selectors.room_token(room)]))
    qr = segno.make(url, error="m")
    return HttpResponse(qr.svg_inline(scale=4, title=room.name), content_type="image/svg+xml")


def _agency_param(request):
    agencies = list(_agencies(request))
    if not agencies:
        raise PermissionDenied
    chosen = request.GET.get("co_quan", "")
    by_id = {str(a.pk): a for a in agencies}
    own = org_selectors.user_agency(request.user)
    default = own if own is not None and str(own.pk) in by_id else agencies[0]
    return agencies, by_id.get(chosen, default)


@login_required
def attendance(request: HttpRequest) -> HttpResponse:
    _leader(request)
    agencies, agency = _agency_param(request)
    day = _date_param(request, "ngay", timezone.localdate())
    rows = selectors.attendance_day(request.user, agency=agency, day=day)
    return render(request, "workforce/attendance.html", {
        "agencies": agencies, "agency": agency, "day": day, "rows": rows,
        "missing": sum(1 for r in rows if r["missing"]),
        "onsite_unplanned": sum(1 for r in rows if r["onsite_unplanned"]),
        "checked": sum(1 for r in rows if not r["missing"]),
    })


@login_required
def attendance_month(request: HttpRequest) -> HttpResponse:
    _leader(request)
    agencies, agency = _agency_param(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
        month = int(request.GET.get("thang", today.month))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError
    except (TypeError, ValueError):
        year, month = today.year, today.month
    units = list(Unit.objects.filter(agency=agency).order_by("name"))
    unit_id = request.GET.get("don_vi", "")
    unit = next((u for u in units if str(u.pk) == unit_id), None)
    sheet = selectors.monthly_sheet(request.user, agency=agency, unit_id=unit.pk if unit else None,
                                    year=year, month=month)
    if request.GET.get("excel") == "1":
        return exports.xlsx_response(exports.attendance_workbook(agency, unit, year, month, sheet),
                                     f"cham-cong-{year}-{month:02d}.xlsx")
    return render(request, "workforce/attendance_month.html", {
        "agencies": agencies, "agency": agency, "units": units, "unit": unit, "year": year, "month": month,
        "sheet": sheet, "months": range(1, 13)})

