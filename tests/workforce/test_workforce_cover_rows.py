"""The rules form's cover rows: per agency, any role, added (htmx or without JavaScript) and removed."""

import re

import pytest
from django.urls import reverse

from congvu.org.models import Role
from congvu.workforce.models import RuleSet

pytestmark = pytest.mark.django_db

BASE = {"name": "Quy tắc tháng 12", "legal_basis": "", "period_start": "01/12/2026", "period_end": "04/12/2026",
        "ratio": "2/3", "max_per_room": "", "cohorts": ""}


def rows(*items, start=0):
    out = {}
    for i, item in enumerate(items, start=start):
        for key, value in item.items():
            out[f"cover-{i}-{key}"] = value
    return out


def cover_of(rule_set):
    return {(c.agency.short_name, c.role.code, c.min_onsite) for c in rule_set.cover.select_related("agency", "role")}


@pytest.fixture
def admin_client(client, org, settings):
    settings.CONGVU_REQUIRE_2FA_ROLES = []
    client.force_login(org.admin.user)
    return client


def test_per_agency_rows_any_role_and_every_agency_rows(admin_client, org):
    data = dict(BASE, scope_agencies=[org.snv.pk, org.stttt.pk], **rows(
        {"agency": "*", "role": Role.LANH_DAO, "min_onsite": "1"},
        {"agency": str(org.snv.pk), "role": Role.CHUYEN_VIEN, "min_onsite": "1"},
        {"agency": str(org.stttt.pk), "role": Role.VAN_THU, "min_onsite": "1"},
        {"agency": str(org.stttt.pk), "role": Role.LANH_DAO, "min_onsite": "0"},  # no leader cover for STTTT
        {"agency": str(org.snv.pk), "role": Role.MOT_CUA, "min_onsite": "3", "delete": "on"},  # removed
        {"agency": "", "role": "", "min_onsite": ""},  # blank: ignored
    ))
    response = admin_client.post(reverse("workforce:rules_create"), data)
    body = response.content.decode()
    assert response.status_code == 302, body[body.find("error-summary"):][:1500]
    rule_set = RuleSet.objects.get()
    assert cover_of(rule_set) == {("SNV", "lanh_dao", 1), ("SNV", "chuyen_vien", 1), ("STTTT", "van_thu", 1)}
    # the edit page shows the stored rows, one per agency and role
    body = admin_client.get(reverse("workforce:rules_edit", args=[rule_set.pk])).content.decode()
    assert body.count('class="cover-row') == 4  # three stored rows and a blank one
    assert 'id="id_cover-1-role"' in body and '<option value="chuyen_vien" selected>' in body
    # rows numbered with gaps (rows were added and removed in the page) are read as they are
    data = dict(BASE, scope_agencies=[org.snv.pk], **rows({"agency": str(org.snv.pk), "role": Role.VAN_THU,
                                                          "min_onsite": "2"}, start=17))
    assert admin_client.post(reverse("workforce:rules_edit", args=[rule_set.pk]), data).status_code == 302
    assert cover_of(RuleSet.objects.get()) == {("SNV", "van_thu", 2)}


@pytest.mark.parametrize("row,field,message", [
    ({"agency": "*", "role": "", "min_onsite": "1"}, "role", "Chọn vai trò."),
    ({"agency": "", "role": "van_thu", "min_onsite": "1"}, "agency", "Chọn cơ quan."),
    ({"agency": "*", "role": "van_thu", "min_onsite": ""}, "min_onsite", "Nhập số người tối thiểu."),
    ({"agency": "*", "role": "van_thu", "min_onsite": "-1"}, "min_onsite", "Nhập số người từ 0 đến 100."),
    ({"agency": "*", "role": "van_thu", "min_onsite": "1000"}, "min_onsite", "Nhập số người từ 0 đến 100."),
    ({"agency": "*", "role": "van_thu", "min_onsite": "hai"}, "min_onsite", "Nhập số người từ 0 đến 100."),
    ({"agency": "*", "role": "van_thu", "min_onsite": "9" * 5000}, "min_onsite", "Nhập số người từ 0 đến 100."),
    ({"agency": "*", "role": "phu_thuy", "min_onsite": "1"}, "role", "phu_thuy"),
    ({"agency": "999999", "role": "van_thu", "min_onsite": "1"}, "agency", "999999"),
])
def test_bad_rows_are_named_in_the_error_summary(client, org, row, field, message):
    client.force_login(org.snv_leader.user)
    data = dict(BASE, scope_agencies=[org.snv.pk], **rows(row))
    response = client.post(reverse("workforce:rules_create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and RuleSet.objects.count() == 0
    summary = body[body.index('class="error-summary"'):body.index("</div>", body.index('class="error-summary"'))]
    assert f'href="#id_cover-0-{field}"' in summary and "dòng 1" in summary and message in summary
    assert 'value="Quy tắc tháng 12"' in body  # what was typed is kept


def test_row_for_an_agency_outside_the_scope_and_duplicates(admin_client, org):
    data = dict(BASE, scope_agencies=[org.snv.pk], **rows(
        {"agency": str(org.stttt.pk), "role": "van_thu", "min_onsite": "1"},  # STTTT not ticked in the scope
        {"agency": str(org.snv.pk), "role": "van_thu", "min_onsite": "1"},
        {"agency": str(org.snv.pk), "role": "van_thu", "min_onsite": "2"},
    ))
    body = admin_client.post(reverse("workforce:rules_create"), data).content.decode()
    assert "không thuộc các cơ quan áp dụng" in body and "Trùng với dòng 2" in body
    assert 'href="#id_cover-0-agency"' in body and 'href="#id_cover-2-role"' in body
    assert RuleSet.objects.count() == 0


def test_another_agency_is_not_offered_to_a_department(client, org):
    client.force_login(org.snv_leader.user)
    body = client.get(reverse("workforce:rules_create")).content.decode()
    select = body[body.index('id="id_cover-0-agency"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{org.stttt.pk}"' not in select and f'<option value="{org.snv.pk}"' in select
    data = dict(BASE, scope_agencies=[org.snv.pk], **rows({"agency": str(org.stttt.pk), "role": "van_thu",
                                                          "min_onsite": "1"}))
    assert client.post(reverse("workforce:rules_create"), data).status_code == 400
    assert RuleSet.objects.count() == 0


def test_add_a_row_without_javascript_keeps_the_input(client, org):
    client.force_login(org.snv_leader.user)
    data = dict(BASE, name="", scope_agencies=[org.snv.pk], add_cover="1",
                **rows({"agency": "*", "role": "van_thu", "min_onsite": "1"},
                       {"agency": str(org.snv.pk), "role": "mot_cua", "min_onsite": "abc", "delete": "on"}))
    response = client.post(reverse("workforce:rules_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" not in body  # not validated yet: only a row more
    assert 'id="id_cover-2-agency"' in body and body.count('class="cover-row') == 3
    assert 'value="abc"' in body and 'value="01/12/2026"' in body
    boxes = {m.group(1): "checked" in m.group(0)
             for m in re.finditer(r'<input[^>]*name="cover-(\d+)-delete"[^>]*>', body)}
    assert boxes == {"0": False, "1": True, "2": False}, boxes  # the row marked for removal stays marked
    assert f'value="{org.snv.pk}"' in body and "checked" in body
    assert RuleSet.objects.count() == 0


def test_htmx_row_endpoint(client, org):
    url = reverse("workforce:cover_row")
    assert client.get(url + "?i=3").status_code == 302  # anonymous: to the login page
    client.force_login(org.snv_specialist.user)
    assert client.get(url + "?i=3").status_code == 403
    client.force_login(org.snv_leader.user)
    body = client.get(url + "?i=7", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="id_cover-7-agency"' in body and 'hx-swap-oob="true"' in body and "?i=8" in body
    assert f'<option value="{org.stttt.pk}"' not in body and f'<option value="{org.snv.pk}"' in body
    for odd in ("abc", "-1", "9" * 50, ""):
        body = client.get(url, {"i": odd}).content.decode()
        assert 'id="id_cover-0-agency"' in body


def test_too_many_rows(client, org):
    client.force_login(org.snv_leader.user)
    many = rows(*[{"agency": "", "role": "", "min_onsite": ""}] * 201)
    response = client.post(reverse("workforce:rules_create"), dict(BASE, scope_agencies=[org.snv.pk], **many))
    assert response.status_code == 400 and "Tối đa 200 dòng" in response.content.decode()
    assert RuleSet.objects.count() == 0
