"""Expected against actual attendance by unit: the day view and the monthly sheet of a unit agree."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congvu.org.models import Role
from congvu.workforce import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org):
    import factories

    tc = factories.UnitFactory(agency=org.snv, code="TC", name="Phòng Tổ chức")
    team = factories.UnitFactory(agency=org.snv, code="TC-CB", name="Tổ cán bộ", parent=tc)
    a = factories.StaffFactory(agency=org.snv, unit=tc, room=org.snv_room, roles=[Role.LANH_DAO_DON_VI],
                               user__username="truongphong.tc", user__full_name="Đỗ Trưởng Phòng")
    b = factories.StaffFactory(agency=org.snv, unit=team, room=org.snv_room, roles=[Role.CHUYEN_VIEN],
                               user__username="canbo.tc", user__full_name="Vũ Cán Bộ")
    other_unit = factories.UnitFactory(agency=org.stttt, code="TC", name="Phòng Tổ chức STTTT")
    at = lambda day, hour=8: timezone.make_aware(dt.datetime(2026, 12, day, hour, 0))  # noqa: E731
    services.checkin(staff=a, mode="onsite", room=org.snv_room, at=at(1))
    services.checkin(staff=b, mode="home", at=at(1))
    services.checkin(staff=b, mode="onsite", room=org.snv_room, at=at(2))
    services.checkin(staff=org.snv_clerk, mode="home", at=at(1))
    services.checkin(staff=org.snv_specialist, mode="onsite", room=org.snv_room, at=at(3))
    return {"tc": tc, "team": team, "a": a, "b": b, "other_unit": other_unit}


def ids(body: str) -> set[int]:
    return {int(x) for x in re.findall(r'data-staff="(\d+)"', body)}


def day_view(client, org, unit, day):
    query = f"?co_quan={org.snv.pk}&ngay={day:%d/%m/%Y}&don_vi={unit.pk if unit else ''}"
    return client.get(reverse("workforce:attendance") + query).content.decode()


def month_view(client, org, unit, excel=False):
    query = f"?co_quan={org.snv.pk}&thang=12&nam=2026&don_vi={unit.pk if unit else ''}" + ("&excel=1" if excel else "")
    return client.get(reverse("workforce:attendance_month") + query)


def test_day_view_filters_by_unit_and_its_sub_units(client, org, units):
    client.force_login(org.snv_leader.user)
    body = day_view(client, org, units["tc"], dt.date(2026, 12, 1))
    assert ids(body) == {units["a"].pk, units["b"].pk}
    assert "Đã điểm danh 2/2" in body and "Phòng Tổ chức" in body
    assert ids(day_view(client, org, units["team"], dt.date(2026, 12, 1))) == {units["b"].pk}
    everyone = {org.snv_clerk.pk, org.snv_leader.pk, org.snv_specialist.pk, units["a"].pk, units["b"].pk}
    assert ids(day_view(client, org, None, dt.date(2026, 12, 1))) == everyone
    # another agency's unit, or garbage: no unit filter, never another agency's people
    body = client.get(reverse("workforce:attendance") + f"?don_vi={units['other_unit'].pk}").content.decode()
    assert ids(body) == everyone
    for odd in ("abc", "-1", "9" * 30, "1 OR 1=1"):
        response = client.get(reverse("workforce:attendance"), {"don_vi": odd})
        assert response.status_code == 200 and ids(response.content.decode()) == everyone


@pytest.mark.parametrize("unit_key", ["tc", "team", None])
def test_monthly_sheet_of_a_unit_matches_the_day_views(client, org, units, unit_key):
    unit = units[unit_key] if unit_key else None
    client.force_login(org.snv_leader.user)
    month = month_view(client, org, unit).content.decode()
    sheet = selectors.monthly_sheet(org.snv_leader.user, agency=org.snv, unit=unit, year=2026, month=12)
    rows = {r["staff"].pk: r for r in sheet["rows"]}
    for day in (1, 2, 3, 4):
        date = dt.date(2026, 12, day)
        listed = selectors.attendance_day(org.snv_leader.user, agency=org.snv, day=date, unit=unit)
        assert {r["staff"].pk for r in listed} == set(rows) == ids(month)
        assert ids(day_view(client, org, unit, date)) == set(rows)
        for r in listed:
            modes = {c.mode for c in r["checkins"]}
            expected = "T" if "onsite" in modes else ("N" if modes else "")
            assert rows[r["staff"].pk]["cells"][day - 1] == expected
    # the Excel sheet holds the same people and marks
    wb = load_workbook(io.BytesIO(month_view(client, org, unit, excel=True).content))
    ws = wb.active
    excel_rows = {r[2]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert set(excel_rows) == {r["staff"].employee_code for r in sheet["rows"]}
    for r in sheet["rows"]:
        assert [c or "" for c in excel_rows[r["staff"].employee_code][4:8]] == r["cells"][:4]
    if unit:
        assert unit.name in ws["A1"].value


def test_unit_leader_starts_on_own_unit(client, org, units):
    client.force_login(units["a"].user)  # lãnh đạo đơn vị of Phòng Tổ chức
    body = client.get(reverse("workforce:attendance") + "?ngay=01/12/2026").content.decode()
    assert ids(body) == {units["a"].pk, units["b"].pk}
    month = client.get(reverse("workforce:attendance_month") + "?thang=12&nam=2026").content.decode()
    assert ids(month) == {units["a"].pk, units["b"].pk}
    # "Tất cả" (an empty choice) is still the whole agency
    assert len(ids(client.get(reverse("workforce:attendance") + "?don_vi=").content.decode())) == 5


def test_attendance_by_unit_authorization(client, org, units):
    url = reverse("workforce:attendance") + f"?don_vi={units['tc'].pk}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(org.snv_specialist.user)
    assert client.get(url).status_code == 403
    client.force_login(org.stttt_leader.user)  # another agency's leader asking for SNV's unit
    body = client.get(url + f"&co_quan={org.snv.pk}").content.decode()
    assert not ids(body) & {units["a"].pk, units["b"].pk, org.snv_clerk.pk}
