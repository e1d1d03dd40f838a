"""Accounts API: who am I."""

from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[str]
    agency_code: str | None
    agency_name: str | None
    unit_name: str | None


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    user = request.auth if hasattr(request.auth, "pk") else request.user
    staff = getattr(user, "staff", None)
    return MeOut(
        id=user.pk, username=user.username, full_name=user.get_full_name(), roles=sorted(user.role_codes()),
        agency_code=staff.agency.code if staff else None, agency_name=staff.agency.name if staff else None,
        unit_name=staff.unit.name if staff and staff.unit else None,
    )
