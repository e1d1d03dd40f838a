"""Two clerks at the same moment: numbers stay gapless and unique (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import pytest
from concurrency import require_postgres, run_parallel
from documents_helpers import incoming_data, make_pdf

from congvu.documents import services
from congvu.documents.models import Document, Register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres("row locks (select_for_update)")


def test_concurrent_issuances_are_gapless_and_unique():
    import factories

    org = factories.build_org()
    factories.give_signing_credentials(org)  # approval and issuance sign (demo credentials)
    drafts = []
    for i in range(12):
        d = services.draft_create(actor=org.snv_specialist.user, data={"subject": f"Văn bản {i}", "body": "x"})
        services.draft_submit(actor=org.snv_specialist.user, document=d, reviewer=org.snv_leader)
        services.approve(actor=org.snv_leader.user, document=d)
        drafts.append(d)
    # a second clerk of the same agency issues at the same moment as the first
    clerk2 = factories.StaffFactory(agency=org.snv, unit=org.snv_unit, roles=["van_thu"])
    clerks = [org.snv_clerk, clerk2]
    jobs = [lambda d=d, c=clerks[i % 2]: services.issue(actor=c.user, document=d) for i, d in enumerate(drafts)]
    assert run_parallel(jobs)[1] == []
    numbers = sorted(Document.objects.filter(direction="outgoing").values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert Register.objects.get(direction="outgoing").last_number == 12


def test_concurrent_registrations_are_gapless_and_unique():
    import factories

    org = factories.build_org()
    pdf = make_pdf("Văn bản đến đồng thời để thử khóa sổ đăng ký")
    jobs = [lambda i=i: services.incoming_register(actor=org.snv_clerk.user, data=incoming_data(number=100 + i),
                                                   files=[("a.pdf", pdf)]) for i in range(10)]
    assert run_parallel(jobs)[1] == []
    numbers = sorted(Document.objects.values_list("register_number", flat=True))
    assert numbers == list(range(1, 11))
