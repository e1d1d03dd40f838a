"""Organisation read API: agencies (the whole tree is public to staff) and staff (scoped)."""


import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from congvu.core.errors import NotFound

from . import selectors
from .models import Agency

router = Router(tags=["org"])


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    parent_code: str | None = Field(None, alias="parent.code")
    place_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    exempt_from_onsite_limits: bool


class StaffOut(Schema):
    id: int
    employee_code: str
    full_name: str
    agency_id: int
    agency_code: str = Field(..., alias="agency.code")
    unit: str | None = None
    room: str | None = None
    position: str | None = None
    roles: list[str]
    is_active: bool

    @staticmethod
    def resolve_full_name(obj):
        return obj.user.get_full_name()

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_room(obj):
        return obj.room.code if obj.room else None

    @staticmethod
    def resolve_position(obj):
        return obj.position.name if obj.position else None

    @staticmethod
    def resolve_roles(obj):
        return sorted(r.code for r in obj.roles.all())


@router.get("/agencies", response=list[AgencyOut], summary="Agencies (tree order)")
@paginate(PageNumberPagination, page_size=100)
def agency_list(request, on: dt.date | None = None, current: bool = False, q: str = ""):
    if len(q) > 200:
        q = q[:200]
    return selectors.agency_list(on=on, include_ended=not current, query=q)


@router.get("/agencies/{agency_id}", response=AgencyOut)
def agency_detail(request, agency_id: int):
    agency = Agency.objects.select_related("parent").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan.")
    return agency


@router.get("/staff", response=list[StaffOut], summary="Staff of the agencies you may see")
@paginate(PageNumberPagination, page_size=50)
def staff_list(request, agency_id: int | None = None, q: str = "", include_inactive: bool = False):
    return selectors.staff_list(request.auth, agency_id=agency_id, query=q[:100], active_only=not include_inactive)


@router.get("/staff/{staff_id}", response=StaffOut)
def staff_detail(request, staff_id: int):
    return selectors.get_scoped(selectors.staff_list(request.auth, active_only=False), request.auth, pk=staff_id)
