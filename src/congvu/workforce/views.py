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
from congvu.org.models import Agency, Role, Room, Staff, Unit

from . import exports, selectors, services
from .forms import DEFAULT_COVER, AdjustForm, CoverRows, PlanStartForm, PreferenceForm, RuleSetForm, initial_from_data
from .models import CheckIn, Plan, Preference

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _manager(request) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied


def _owner(request, rule_set) -> None:
    """Only the agency that made the rules edits them, runs and publishes their plans."""
    if not selectors.owns(request.user, rule_set):
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
    visible = org_selectors.visible_agency_ids(request.user)
    rule_sets = list(selectors.rule_sets(request.user)[:50])
    plans = list(selectors.plans(request.user)[:50])
    for item in rule_sets + plans:  # made by another (higher) agency: the user sees their own part
        item.partial = visible is not None and item.agency_id not in visible
    for plan in plans:
        part = visible & {a.pk for a in selectors.scope_agencies(plan.rule_set)} if plan.partial else None
        plan.shown_gap = selectors.part_figures(plan, part)["fairness_gap"] if plan.partial else plan.fairness_gap
    return render(request, "workforce/index.html", {
        "manager": manager, "leader": selectors.can_lead(request.user), "rule_sets": rule_sets, "plans": plans,
    })


@login_required
def rules_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    rule_set = _scoped(selectors.get_rule_set, request, pk) if pk else None
    if rule_set is not None:
        _owner(request, rule_set)
    agencies = _agencies(request)
    staff = org_selectors.scope(Staff.objects.filter(is_active=True), request.user) \
        .select_related("user", "agency").order_by("agency__path", "user__full_name")
    initial, cover_initial = {}, DEFAULT_COVER
    if rule_set is not None:
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
        }
        cover_initial = [{"agency": str(c.agency_id), "role": c.role.code, "min_onsite": c.min_onsite}
                         for c in rule_set.cover.select_related("role").order_by("agency__path", "role__name")]
    roles = Role.objects.order_by("name")
    post = request.POST if request.method == "POST" else None
    adding = post is not None and "add_cover" in post  # “add a row” without JavaScript: show the form again
    form = RuleSetForm(None if adding else post, initial=initial, agencies=agencies, staff=staff)
    if adding:
        form = RuleSetForm(initial=initial_from_data(form, post), agencies=agencies, staff=staff)
    cover_rows = CoverRows(post, agencies=agencies, roles=roles, initial=cover_initial, bound=not adding,
                           extra=1 if post is None or adding else 0)
    if post is not None and not adding:
        form_ok = form.is_valid()
        scope_list = list(form.cleaned_data.get("scope_agencies") or [])
        cover_ok = cover_rows.is_valid(scope_list)
        if cover_rows.too_many:
            form.add_error(None, _("Tối đa %(n)s dòng trực tối thiểu.") % {"n": 200})
        if form_ok and cover_ok:
            data = form.cleaned_data
            holders = set(Staff.objects.filter(agency__in=scope_list, is_active=True)
                          .values_list("agency_id", "roles__code"))
            cover = cover_rows.cover(scope_list, holders)
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
    status = 400 if post is not None and not adding else 200
    return render(request, "workforce/rules_form.html", {
        "form": form, "rule_set": rule_set, "cover_rows": cover_rows,
        "has_errors": bool(post is not None and not adding and (form.errors or cover_rows.errors)),
    }, status=status)


@login_required
def cover_row(request: HttpRequest) -> HttpResponse:
    """One more cover row for the rules form (htmx), and the “add” button for the row after it."""
    _manager(request)
    raw = request.GET.get("i", "")
    index = int(raw) if raw.isdigit() and len(raw) <= 4 else 0
    rows = CoverRows(agencies=_agencies(request), roles=Role.objects.order_by("name"), extra=0)
    return render(request, "workforce/_cover_row.html", {"row": rows.row(index), "next_index": index + 1,
                                                         "oob": True})


@login_required
def rules_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _scoped(selectors.get_rule_set, request, pk)
    part = selectors.part_of(request.user, rule_set)
    scope = selectors.scope_agencies(rule_set)
    cover = rule_set.cover.select_related("agency", "role").order_by("agency__path", "role__name")
    cohorts = rule_set.cohorts.prefetch_related("members__user")
    people = {name: getattr(rule_set, name).select_related("user") for name in ("must_stay_home", "must_come_in",
                                                                                "exempt_staff")}
    exempt = rule_set.exempt_agencies.all()
    if part is not None:  # a department sees its own part of a province's rules
        cover, cohorts = (qs.filter(agency_id__in=part) for qs in (cover, cohorts))
        exempt = exempt.filter(pk__in=part)
        people = {name: qs.filter(agency_id__in=part) for name, qs in people.items()}
    return render(request, "workforce/rules_detail.html", {
        "rule_set": rule_set, "owner": selectors.owns(request.user, rule_set), "part": part,
        "scope": [a for a in scope if part is None or a.pk in part],
        "others": sum(1 for a in scope if part is not None and a.pk not in part),
        "days": selectors.working_days(rule_set), "cover": cover, "cohorts": cohorts, "exempt": exempt,
        **people, "plans": rule_set.plans.all(), "form": PlanStartForm(),
    })


@login_required
@require_POST
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rule_set = _scoped(selectors.get_rule_set, request, pk)
    _owner(request, rule_set)
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


LARGE_PLAN = 100  # staff: above this, a plan is shown one agency at a time (a day of 70 names is unreadable)


def _plan_part(request, plan: Plan) -> tuple[set[int] | None, list[Agency], Agency | None]:
    """(the user's part of the plan, the agencies offered in the filter, the chosen agency or None)."""
    part = selectors.part_of(request.user, plan.rule_set)
    agencies = [a for a in selectors.scope_agencies(plan.rule_set) if part is None or a.pk in part]
    chosen = request.GET.get("co_quan") or request.POST.get("co_quan") or ""
    agency = next((a for a in agencies if str(a.pk) == chosen), None)
    if agency is None and len(agencies) == 1 and part is not None:
        agency = agencies[0]
    return part, agencies, agency


def _shown(part, agency) -> set[int] | None:
    return {agency.pk} if agency is not None else part


def _plan_context(request, plan: Plan, adjust_form=None, check=None) -> dict:
    view = request.GET.get("xem", "ngay")
    part, agencies, agency = _plan_part(request, plan)
    if agency is None and len(agencies) > 1 and \
            selectors._assignments(plan, part).values("staff_id").distinct().count() > LARGE_PLAN:
        agency = agencies[0]
    shown = _shown(part, agency)
    days, grid = selectors.plan_grid(plan, agency_ids=shown)
    staff_ids = [row["staff"].pk for row in grid]
    context = {"plan": plan, "manager": selectors.can_manage(request.user),
               "owner": selectors.owns(request.user, plan.rule_set), "part": part, "view": view, "days": days,
               "conflicts": plan.conflicts if part is None else [], "check": check,
               "agencies": agencies if len(agencies) > 1 else [], "agency": agency,
               "leader": selectors.can_lead(request.user), "figures": selectors.part_figures(plan, part)}
    if view == "nguoi":
        context["grid"] = grid
    elif view == "phong":
        context["rooms"] = selectors.plan_by_room(plan, days, agency_ids=shown)
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
    days, grid = selectors.plan_grid(plan, agency_ids=selectors.part_of(request.user, plan.rule_set))
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
    _owner(request, plan.rule_set)
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
    part, _agencies_offered, agency = _plan_part(request, plan)
    days, grid = selectors.plan_grid(plan, agency_ids=_shown(part, agency))
    return exports.xlsx_response(exports.plan_workbook(plan, days, grid, agency=agency),
                                 f"phuong-an-{plan.pk}.xlsx")


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


def _unit_param(request, agency):
    """The units of ``agency`` and the chosen one (``don_vi``); a unit leader starts on their own unit."""
    units = list(Unit.objects.filter(agency=agency).current().order_by("name"))
    if "don_vi" in request.GET:
        chosen = request.GET.get("don_vi", "")
    else:
        staff = org_selectors.staff_of(request.user)
        codes = request.user.role_codes()
        own_unit = staff is not None and staff.agency_id == agency.pk and staff.unit_id
        chosen = str(staff.unit_id) if own_unit and not (selectors.MANAGER_ROLES & codes) else ""
    return units, next((u for u in units if str(u.pk) == chosen), None)


@login_required
def attendance(request: HttpRequest) -> HttpResponse:
    _leader(request)
    agencies, agency = _agency_param(request)
    units, unit = _unit_param(request, agency)
    day = _date_param(request, "ngay", timezone.localdate())
    rows = selectors.attendance_day(request.user, agency=agency, day=day, unit=unit)
    return render(request, "workforce/attendance.html", {
        "agencies": agencies, "agency": agency, "units": units, "unit": unit, "day": day, "rows": rows,
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
    units, unit = _unit_param(request, agency)
    sheet = selectors.monthly_sheet(request.user, agency=agency, unit=unit, year=year, month=month)
    if request.GET.get("excel") == "1":
        return exports.xlsx_response(exports.attendance_workbook(agency, unit, year, month, sheet),
                                     f"cham-cong-{year}-{month:02d}.xlsx")
    return render(request, "workforce/attendance_month.html", {
        "agencies": agencies, "agency": agency, "units": units, "unit": unit, "year": year, "month": month,
        "sheet": sheet, "months": range(1, 13)})

