"""A double tap at the same moment: concurrent check-ins (real transactions on PostgreSQL) make one row."""

from __future__ import annotations

import pytest
from concurrency import require_postgres, run_parallel
from django.test import Client

from congvu.accounts.services import token_create
from congvu.workforce import services
from congvu.workforce.models import CheckIn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres("concurrent transactions and the unique constraints under them")


def test_concurrent_double_tap_with_one_key_is_one_checkin():
    import factories

    org = factories.build_org()
    staff = org.snv_specialist
    jobs = [lambda: services.checkin(staff=staff, mode="home", idempotency_key="tap-42", ip="10.0.0.1")] * 8
    results, errors = run_parallel(jobs)
    assert errors == []
    assert CheckIn.objects.filter(staff=staff).count() == 1
    row = CheckIn.objects.get(staff=staff)
    assert {check.pk for check, _created in results} == {row.pk}
    assert sum(1 for _check, created in results if created) == 1


def test_concurrent_checkins_without_a_shared_key_are_one_per_day_and_mode():
    import factories

    org = factories.build_org()
    staff = org.snv_clerk
    # two devices, each with its own key, and a client without any key: still one check-in at home today
    jobs = [lambda i=i: services.checkin(staff=staff, mode="home", idempotency_key=f"device-{i % 3}" if i % 4 else None)
            for i in range(8)]
    results, errors = run_parallel(jobs)
    assert errors == []
    assert CheckIn.objects.filter(staff=staff, mode="home").count() == 1
    assert len({check.pk for check, _created in results}) == 1
    assert sum(1 for _check, created in results if created) == 1


def test_concurrent_api_double_tap_is_one_checkin():
    import factories

    org = factories.build_org()
    _token, raw = token_create(user=org.snv_leader.user, name="mobile")

    def tap():
        response = Client().post("/api/v1/workforce/checkin", {"mode": "home"}, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY="double-tap")
        return response.status_code, response.json()

    results, errors = run_parallel([tap] * 6)
    assert errors == []
    assert sorted(status for status, _body in results) == [200] * 5 + [201]
    assert len({body["id"] for _status, body in results}) == 1
    assert CheckIn.objects.filter(staff=org.snv_leader).count() == 1
