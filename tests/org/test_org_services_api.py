"""Organisation services, history across merges, per-agency scoping, the org API."""

import datetime as dt

import pytest

from congvu.accounts.services import token_create
from congvu.core.errors import Conflict, NotFound, ValidationFailed
from congvu.org import selectors, services
from congvu.org.models import Agency, Staff

pytestmark = pytest.mark.django_db


def test_agency_code_is_validated(org):
    for bad in ("abc def", "000.00.00.H31!", "A" * 36, "000..00", "", "Sở", ".000"):
        with pytest.raises(ValidationFailed):
            services.agency_create(actor=None, code=bad, name="Sở X", short_name="SX", parent=org.root)
    with pytest.raises(Conflict):
        services.agency_create(actor=None, code=org.snv.code, name="Trùng mã", short_name="T")


def test_merge_keeps_history_and_reuses_code(org):
    on = dt.date(2025, 3, 1)
    merged = services.agency_succeed(
        actor=org.admin.user, predecessors=[org.snv, org.stttt], on=on, code=org.snv.code,
        name="Sở Nội vụ (sau hợp nhất)", short_name="SNV", kind=Agency.Kind.SO, parent=org.root,
        legal_basis="Nghị quyết 2025")
    org.snv.refresh_from_db()
    assert org.snv.valid_to == dt.date(2025, 2, 28)
    assert set(merged.predecessors.all()) == {org.snv, org.stttt}
    # a 2020 document still finds its 2020 agency by code and date
    assert selectors.agency_by_code(org.snv.code, on=dt.date(2020, 3, 27)) == org.snv
    assert selectors.agency_by_code(org.snv.code) == merged
    assert org.snv not in selectors.agency_list(include_ended=False)
    with pytest.raises(Conflict):
        services.agency_end(actor=None, agency=org.snv, on=dt.date(2025, 6, 1))


def test_agency_cannot_be_its_own_ancestor(org):
    with pytest.raises(ValidationFailed):
        services.agency_update(actor=None, agency=org.root, parent=org.snv)


def test_staff_unit_must_belong_to_agency(org):
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=None, staff=org.snv_clerk, unit=org.stttt_unit)
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=None, staff=org.snv_clerk, role_codes=["khong_ton_tai"])
    services.staff_update(actor=None, staff=org.snv_clerk, role_codes=["van_thu", "chuyen_vien"])
    assert Staff.objects.get(pk=org.snv_clerk.pk).user.role_codes() == {"van_thu", "chuyen_vien"}


def test_scoping_each_agency_sees_its_own(org):
    snv_user, stttt_user = org.snv_clerk.user, org.stttt_clerk.user
    assert selectors.visible_agency_ids(snv_user) == {org.snv.pk}
    visible = set(selectors.staff_list(snv_user).values_list("agency_id", flat=True))
    assert visible == {org.snv.pk}
    with pytest.raises(NotFound):
        selectors.get_scoped(Staff.objects.all(), snv_user, pk=org.stttt_clerk.pk)
    # the province administrator sees the whole subtree
    assert selectors.visible_agency_ids(org.admin.user) >= {org.root.pk, org.snv.pk, org.stttt.pk}
    assert selectors.scope(Staff.objects.all(), stttt_user).filter(agency=org.snv).count() == 0


def _bearer(user):
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/org/agencies" in paths and "/api/v1/org/staff" in paths


def test_api_requires_authentication_with_one_error_body(client):
    response = client.get("/api/v1/org/staff")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    response = client.get("/api/v1/org/staff", HTTP_AUTHORIZATION="Bearer cv_wrong")
    assert response.status_code == 401


def test_api_agencies_paginated(client, org):
    headers = _bearer(org.snv_clerk.user)
    body = client.get("/api/v1/org/agencies?page=1", **headers).json()
    assert body["count"] == 3
    assert {a["code"] for a in body["items"]} == {org.root.code, org.snv.code, org.stttt.code}
    assert client.get("/api/v1/org/agencies/999999", **headers).status_code == 404
    bad = client.get("/api/v1/org/agencies?on=not-a-date", **headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/org/agencies?page=-1", **headers).status_code == 422


def test_api_staff_scoped_and_guessed_ids_are_404(client, org):
    headers = _bearer(org.snv_clerk.user)
    body = client.get("/api/v1/org/staff", **headers).json()
    assert {s["agency_code"] for s in body["items"]} == {org.snv.code}
    assert client.get(f"/api/v1/org/staff/{org.snv_leader.pk}", **headers).status_code == 200
    response = client.get(f"/api/v1/org/staff/{org.stttt_leader.pk}", **headers)
    assert response.status_code == 404
    assert org.stttt_leader.user.full_name not in response.content.decode()
    assert client.get("/api/v1/org/staff/abc", **headers).status_code == 422


def test_api_me_and_session_auth(client, org):
    client.force_login(org.snv_leader.user)
    me = client.get("/api/v1/accounts/me").json()
    assert me["agency_code"] == org.snv.code and me["roles"] == ["lanh_dao"]


def test_api_query_count_is_flat(client, org, django_assert_max_num_queries):
    headers = _bearer(org.admin.user)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/org/staff", **headers).status_code == 200
