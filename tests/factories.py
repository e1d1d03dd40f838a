"""factory_boy factories for the platform's core models, shared by every app's tests."""

from __future__ import annotations

from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model

from congvu.org.models import Agency, Position, Role, Room, Staff, Unit

PASSWORD = "mat-khau-thu-nghiem"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{(n // 100) % 100:02d}")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"STN{n}")
    kind = Agency.Kind.SO


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Phòng làm việc {n}")
    capacity = 4


def role(code: str) -> Role:
    return Role.objects.get_or_create(code=code, defaults={"name": str(Role.BUILTIN.get(code, code))})[0]


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    employee_code = factory.Sequence(lambda n: f"CB{n:05d}")
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([role(code) for code in extracted])


def build_org() -> SimpleNamespace:
    root = AgencyFactory(code="000.00.00.H99", name="Ủy ban nhân dân tỉnh Thử Nghiệm", short_name="UBND tỉnh",
                         kind=Agency.Kind.UBND_TINH)
    snv = AgencyFactory(code="000.00.01.H99", name="Sở Nội vụ", short_name="SNV", parent=root)
    stttt = AgencyFactory(code="000.00.02.H99", name="Sở Thông tin và Truyền thông", short_name="STTTT",
                          parent=root)
    leader_pos = Position.objects.get_or_create(code="giam_doc", defaults={"name": "Giám đốc", "is_leader": True})[0]
    ns = SimpleNamespace(root=root, snv=snv, stttt=stttt)
    for key, agency in (("snv", snv), ("stttt", stttt)):
        unit = UnitFactory(agency=agency, code="VP", name="Văn phòng Sở")
        room = RoomFactory(agency=agency, code="101", capacity=2)
        setattr(ns, f"{key}_unit", unit)
        setattr(ns, f"{key}_room", room)
        setattr(ns, f"{key}_clerk", StaffFactory(agency=agency, unit=unit, room=room, roles=[Role.VAN_THU],
                                                   user__username=f"vanthu.{key}", user__full_name="Trần Thị Văn Thư"))
        setattr(ns, f"{key}_leader", StaffFactory(agency=agency, unit=unit, room=room, roles=[Role.LANH_DAO],
                                                    position=leader_pos, user__username=f"lanhdao.{key}",
                                                    user__full_name="Lê Văn Lãnh Đạo"))
        setattr(ns, f"{key}_specialist", StaffFactory(agency=agency, unit=unit, room=room,
                                                        roles=[Role.CHUYEN_VIEN], user__username=f"chuyenvien.{key}",
                                                        user__full_name="Phạm Minh Chuyên"))
    ns.admin = StaffFactory(agency=root, roles=[Role.QUAN_TRI], user__username="quantri",
                            user__full_name="Hoàng Quản Trị")
    return ns


# --- signing credentials for the documents flows -------------------------------------------------------

_SIGNING_PKI: dict = {}


def signing_pki():
    """One demo PKI per test process (made with the demo PKI code; RSA keys are slow to make)."""
    if "made" not in _SIGNING_PKI:
        import tempfile
        from pathlib import Path

        from congvu.signing import pki as pki_mod

        out = Path(tempfile.mkdtemp(prefix="congvu-test-pki-"))
        made = pki_mod.make_demo_pki(out, "demo")
        made.dir = out
        _SIGNING_PKI["made"] = made
    return _SIGNING_PKI["made"]


def give_signing_credentials(org, *, password: str | None = None, leaders=None, agencies=None):
    """Personal credentials for the org's leaders and organisation credentials for its agencies.

    Without ``password`` they are demo credentials (sign without a password while CONGVU_SIGNING_DEMO
    is on, like the demo city's); with one, a PKCS#12 file protected by it (the password is asked)."""
    from congvu.signing import appearance, services

    made = signing_pki()
    secret = password or "demo"
    leaders = [org.snv_leader, org.stttt_leader] if leaders is None else leaders
    agencies = [org.snv, org.stttt] if agencies is None else agencies
    out = {}
    for staff in leaders:
        out[staff.pk] = services.credential_add_pkcs12(
            actor=None, agency=staff.agency, staff=staff, label="Chứng thư cá nhân (thử)",
            p12=made.leader.p12(secret), password=secret, is_demo=password is None,
            image=appearance.demo_signature_png(staff.full_name))
    for agency in agencies:
        out[f"agency-{agency.pk}"] = services.credential_add_pkcs12(
            actor=None, agency=agency, staff=None, label="Chứng thư cơ quan (thử)",
            p12=made.organisation.p12(secret), password=secret, is_demo=password is None,
            image=appearance.demo_seal_png(agency.short_name))
    return out
