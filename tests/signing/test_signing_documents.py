"""Signing wired into the documents flows: the leader signs at approval, the clerk's issuance adds the number,
the date and the organisation's signature, and every PDF of a document shows its verification result —
to those who may see the document, and to nobody else."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.urls import reverse
from pypdf import PdfReader
from signing_helpers import p12_backend, pyhanko_statuses

from congvu.core.models import AuditEvent
from congvu.documents import services as doc_services
from congvu.documents.models import Document, Register
from congvu.signing import conf, pdfsign
from congvu.signing.errors import SigningFailed
from congvu.signing.models import VerificationReport
from congvu.signing.verify import verify_pdf

import factories

pytestmark = pytest.mark.django_db
S = Document.Status
SECRET = "Mk-Lanh-dao-5521"
ORG_SECRET = "Pin-Co-quan-8807"
BAD_P12 = "bad_p12_password"


def _draft(org, subject="Kế hoạch chuyển đổi số năm 2026", recipients=()):
    draft = doc_services.draft_create(
        actor=org.snv_specialist.user, signer=org.snv_leader, recipients=list(recipients),
        data={"doc_type": "ke_hoach", "subject": subject, "body": "Căn cứ Nghị định 30.\nNội dung kế hoạch.",
              "authority": "KT.", "authority_line": "GIÁM ĐỐC"})
    doc_services.draft_submit(actor=org.snv_specialist.user, document=draft, reviewer=org.snv_leader)
    return draft


def _pdf(doc) -> bytes:
    return doc_services.latest_main(doc).file.read()


def _outgoing_numbers() -> int:
    return sum(Register.objects.filter(direction="outgoing").values_list("last_number", flat=True))


@pytest.fixture
def demo_org(signed_org):
    return signed_org


@pytest.fixture
def locked_org(org, trust_test_ca):
    """Credentials protected by a password (leader) and a PIN-like password (agency): asked at each step."""
    factories.give_signing_credentials(org, password=SECRET, agencies=[])
    factories.give_signing_credentials(org, password=ORG_SECRET, leaders=[])
    return org


# --------------------------------------------------------------------------- services


def test_approval_signs_and_issuance_adds_number_date_and_the_organisation_signature(
        demo_org, pki, django_capture_on_commit_callbacks):
    org = demo_org
    draft = _draft(org, recipients=[org.stttt])
    with django_capture_on_commit_callbacks(execute=True):
        doc_services.approve(actor=org.snv_leader.user, document=draft, comment="Đồng ý")
    approved = _pdf(draft)
    assert doc_services.latest_main(draft).reason.startswith("approve+congvu.signing")
    (status,) = pyhanko_statuses(approved, pki.ca_asn1)  # pyHanko's own validator
    assert status.bottom_line
    report = verify_pdf(approved, trust_roots=conf.trust_roots())
    assert report["ok"] and report["verdict"] == "Chữ ký hợp lệ"

    with django_capture_on_commit_callbacks(execute=True):
        doc = doc_services.issue(actor=org.snv_clerk.user, document=draft)
    issued = _pdf(doc)
    assert issued.startswith(approved)  # incremental updates: the leader's signature is kept
    assert all(s.bottom_line for s in pyhanko_statuses(issued, pki.ca_asn1))
    report = verify_pdf(issued, trust_roots=conf.trust_roots())
    assert report["ok"] and len(report["signatures"]) == 2, report
    fields = PdfReader(io.BytesIO(issued)).get_form_text_fields()
    assert fields[pdfsign.NUMBER_FIELD] == f"Số: 01/{doc.symbol}" and doc.reference == f"01/{doc.symbol}"
    assert doc.issued_on.strftime("%Y") in fields[pdfsign.DATE_FIELD]
    assert f"Số: 01/{doc.symbol}" in doc_services.latest_main(doc).text  # the number is searchable
    # each stored version was checked after its commit, and the copy delivered to STTTT too
    copy = Document.objects.get(agency=org.stttt, source=doc)
    assert doc_services.latest_main(copy).file.sha256 == doc_services.latest_main(doc).file.sha256
    rows = VerificationReport.objects.filter(sha256=doc_services.latest_main(doc).file.sha256)
    assert {r.agency_id for r in rows} == {org.snv.pk, org.stttt.pk}
    assert all(r.ok and r.verdict.startswith("Chữ ký hợp lệ") and r.uploaded_by_id is None for r in rows)


def test_wrong_password_refuses_and_nothing_is_numbered_or_stored(locked_org):
    org = locked_org
    draft = _draft(org)
    versions = draft.files.count()
    for secret in (None, SECRET + "x", "", "ü" * 50):
        with pytest.raises(SigningFailed) as err:
            doc_services.approve(actor=org.snv_leader.user, document=draft, signing_secret=secret or None)
        assert err.value.status == 400 and "mật khẩu" in str(err.value).lower()
        assert err.value.code == ("secret_required" if secret is None or secret == "" else BAD_P12)
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW and draft.files.count() == versions
    doc_services.approve(actor=org.snv_leader.user, document=draft, signing_secret=SECRET)
    before = _outgoing_numbers()
    for secret in (None, ORG_SECRET[:-1], SECRET):
        with pytest.raises(SigningFailed):
            doc_services.issue(actor=org.snv_clerk.user, document=draft, signing_secret=secret)
        draft.refresh_from_db()
        assert draft.status == S.APPROVED and draft.number is None and draft.issued_on is None
        assert _outgoing_numbers() == before  # the register counter is unchanged: no gap
    assert not Document.objects.filter(agency=org.stttt).exists()
    doc = doc_services.issue(actor=org.snv_clerk.user, document=draft, signing_secret=ORG_SECRET)
    assert doc.status == S.ISSUED and doc.number == before + 1
    assert verify_pdf(_pdf(doc), trust_roots=conf.trust_roots())["ok"]


def test_no_credential_is_a_clear_refusal_unless_signatures_are_switched_off(org, trust_test_ca, settings):
    draft = _draft(org)
    with pytest.raises(SigningFailed) as err:
        doc_services.approve(actor=org.snv_leader.user, document=draft)
    assert err.value.code == "no_credential" and "Chữ ký số" in str(err.value)
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW
    # the leader gets a credential, the agency has none: issuance refuses, nothing numbered
    factories.give_signing_credentials(org, agencies=[])
    doc_services.approve(actor=org.snv_leader.user, document=draft)
    with pytest.raises(SigningFailed) as err:
        doc_services.issue(actor=org.snv_clerk.user, document=draft)
    assert err.value.code == "no_credential" and _outgoing_numbers() == 0
    # switched off (a transition period): the number and date are still written, the leader's signature kept
    settings.CONGVU_REQUIRE_SIGNATURES = False
    doc = doc_services.issue(actor=org.snv_clerk.user, document=draft)
    report = verify_pdf(_pdf(doc), trust_roots=conf.trust_roots())
    assert report["ok"] and len(report["signatures"]) == 1
    assert PdfReader(io.BytesIO(_pdf(doc))).get_form_text_fields()[pdfsign.NUMBER_FIELD] == f"Số: 01/{doc.symbol}"


def test_switched_off_without_any_credential_issues_an_unsigned_numbered_document(org, trust_test_ca, settings):
    settings.CONGVU_REQUIRE_SIGNATURES = False
    draft = _draft(org)
    doc_services.approve(actor=org.snv_leader.user, document=draft)
    assert not doc_services.latest_main(draft).reason.startswith("approve+")  # nothing added at approval
    doc = doc_services.issue(actor=org.snv_clerk.user, document=draft)
    assert f"Số: 01/{doc.symbol}" in doc_services.latest_main(doc).text  # re-rendered with its number
    assert verify_pdf(_pdf(doc), trust_roots=conf.trust_roots())["verdict_code"] == "no_signatures"


def test_secrets_never_reach_audit_rows_reports_logs_or_task_payloads(locked_org, client, caplog, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from congvu.signing import tasks

    caplog.set_level(logging.DEBUG)
    payloads = []
    real_delay = tasks.slow_verify_stored_file.delay
    monkeypatch.setattr(tasks.slow_verify_stored_file, "delay",
                        lambda *a, **kw: payloads.append(json.dumps([a, kw], default=str)) or real_delay(*a, **kw))
    org = locked_org
    draft = _draft(org, recipients=[org.stttt])
    client.force_login(org.snv_leader.user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("documents:action", args=[draft.pk, "approve"]),
                        {"note": "OK", "signing_secret": SECRET})
    assert r.status_code == 302, r.content[:500]
    client.force_login(org.snv_clerk.user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("documents:action", args=[draft.pk, "issue"]), {"signing_secret": ORG_SECRET},
                        follow=True)
    html = r.content.decode()
    assert "Đã cấp số" in html and SECRET not in html and ORG_SECRET not in html
    assert payloads  # verification was queued for the new versions and the delivered copy
    dumps = [json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False),
             json.dumps(list(VerificationReport.objects.values()), default=str, ensure_ascii=False),
             caplog.text, *payloads]
    for secret in (SECRET, ORG_SECRET):
        assert not any(secret in d for d in dumps)


# --------------------------------------------------------------------------- pages and API


def test_the_password_field_is_shown_only_when_the_credential_needs_one(client, demo_org, locked_org):
    org = locked_org  # newest credentials win: the password-protected ones
    draft = _draft(org)
    client.force_login(org.snv_leader.user)
    html = client.get(reverse("documents:detail", args=[draft.pk])).content.decode()
    assert 'name="signing_secret"' in html and "Mật khẩu của tệp chữ ký số" in html and "Duyệt và ký số" in html
    r = client.post(reverse("documents:action", args=[draft.pk, "approve"]), {"signing_secret": "sai-mat-khau"},
                    follow=True)
    html = r.content.decode()
    assert "sai-mat-khau" not in html and "mật khẩu không đúng" in html
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW
    # a secret of hostile size is not used (and not echoed): the step asks for the password
    r = client.post(reverse("documents:action", args=[draft.pk, "approve"]), {"signing_secret": "x" * 5000},
                    follow=True)
    html = r.content.decode()
    assert "x" * 100 not in html and "Cần mật khẩu" in html
    assert Document.objects.get(pk=draft.pk).status == S.IN_REVIEW


def test_demo_credentials_sign_without_a_password_field_and_a_missing_one_is_announced(client, org, trust_test_ca):
    draft = _draft(org)
    client.force_login(org.snv_leader.user)
    html = client.get(reverse("documents:detail", args=[draft.pk])).content.decode()
    assert "Bạn chưa có chứng thư ký số cá nhân" in html and 'name="signing_secret"' not in html
    factories.give_signing_credentials(org)
    html = client.get(reverse("documents:detail", args=[draft.pk])).content.decode()
    assert "Ký số bằng chứng thư" in html and 'name="signing_secret"' not in html
    client.post(reverse("documents:action", args=[draft.pk, "approve"]), {"note": "Đồng ý"})
    draft.refresh_from_db()
    assert draft.status == S.APPROVED
    client.force_login(org.snv_clerk.user)
    html = client.get(reverse("documents:detail", args=[draft.pk])).content.decode()
    assert 'id="issue-form"' in html and "Chứng thư cơ quan" in html and 'name="signing_secret"' not in html


def test_api_approve_and_issue_take_the_secret_in_the_body_and_never_echo_it(client, locked_org):
    from congvu.accounts import services as acc

    org = locked_org
    draft = _draft(org)

    def call(staff, action, body=None, raw=None):
        token = acc.token_create(user=staff.user, name="test")[1]
        data = raw if raw is not None else json.dumps(body or {})
        return client.post(f"/api/v1/documents/{draft.pk}/{action}", data, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    r = call(org.snv_leader, "approve", {"comment": "OK", "signing_secret": "Sai-MK-7781"})
    assert r.status_code == 400 and r.json()["error"]["code"] == BAD_P12 and "Sai-MK-7781" not in r.content.decode()
    r = call(org.snv_leader, "approve", {"signing_secret": "x" * 2000})
    assert 400 <= r.status_code < 500 and "x" * 50 not in r.content.decode()
    r = call(org.snv_leader, "approve", {"comment": "OK", "signing_secret": SECRET})
    assert r.status_code == 200 and r.json()["status"] == "approved" and SECRET not in r.content.decode()
    for raw in ("{not json", json.dumps({"signing_secret": 12345}), json.dumps(["x"])):
        r = call(org.snv_clerk, "issue", raw=raw)
        assert r.status_code == 400, raw
    r = call(org.snv_clerk, "issue", {"signing_secret": "Sai-PIN-1234"})
    assert r.status_code == 400 and "Sai-PIN-1234" not in r.content.decode()
    assert r.status_code == 400 and Document.objects.get(pk=draft.pk).number is None and _outgoing_numbers() == 0
    r = call(org.snv_clerk, "issue", {"signing_secret": ORG_SECRET})
    assert r.status_code == 200 and r.json()["status"] == "issued" and ORG_SECRET not in r.content.decode()


# --------------------------------------------------------------------------- verification shown and its leaks


def _signed_incoming(org, pki, draft_pdf, *, confidentiality=0, capture=None):
    signed = pdfsign.sign_pdf(draft_pdf, p12_backend(pki))
    with capture(execute=True):
        doc = doc_services.incoming_register(
            actor=org.snv_clerk.user, files=[("cong-van-den.pdf", signed)],
            data={"doc_type": "cong_van", "number": 9, "symbol": "UBND-VP", "issuer_name": "UBND tỉnh",
                  "issued_on": "05/01/2026", "subject": "Văn bản đến có chữ ký số", "urgency": 0,
                  "confidentiality": confidentiality})
    return doc, doc_services.latest_main(doc).file.sha256


def test_incoming_upload_is_checked_on_registration_and_shown_on_the_detail_page(
        client, org, pki, draft_pdf, django_capture_on_commit_callbacks):
    doc, sha = _signed_incoming(org, pki, draft_pdf, capture=django_capture_on_commit_callbacks)
    row = VerificationReport.objects.get(sha256=sha)
    assert row.ok and row.agency == org.snv and row.uploaded_by is None
    client.force_login(org.snv_specialist.user)
    html = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "Chữ ký hợp lệ" in html and reverse("signing:report", args=[sha]) in html
    partial = client.get(reverse("signing:report", args=[sha]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "Chữ ký hợp lệ" in partial.content.decode()
    # the recheck button adds a new shared report and comes back to the document
    r = client.post(reverse("signing:recheck", args=[sha]), {"next": reverse("documents:detail", args=[doc.pk])})
    assert r.status_code == 302 and r["Location"] == reverse("documents:detail", args=[doc.pk])
    assert VerificationReport.objects.filter(sha256=sha, uploaded_by__isnull=True).count() == 2
    r = client.post(reverse("signing:recheck", args=[sha]), {"next": "https://evil.example/"})
    assert r["Location"] == reverse("signing:report", args=[sha])  # no open redirect


def test_every_outgoing_version_shows_its_verdict(client, demo_org, django_capture_on_commit_callbacks):
    org = demo_org
    with django_capture_on_commit_callbacks(execute=True):
        draft = _draft(org)
        doc_services.approve(actor=org.snv_leader.user, document=draft)
        doc_services.issue(actor=org.snv_clerk.user, document=draft)
    client.force_login(org.snv_specialist.user)
    html = client.get(reverse("documents:detail", args=[draft.pk])).content.decode()
    assert html.count('class="file-check"') == draft.files.count() == 3
    assert "Văn bản không có chữ ký số" in html  # the unsigned draft (v1)
    assert "Chữ ký hợp lệ (2 chữ ký)" in html  # the issued version


def test_a_report_never_leaks_beyond_who_may_see_the_document(
        client, org, pki, draft_pdf, django_capture_on_commit_callbacks):
    from congvu.core.errors import NotFound
    from congvu.signing import services as signing_services

    doc, sha = _signed_incoming(org, pki, draft_pdf, confidentiality=1, capture=django_capture_on_commit_callbacks)
    url = reverse("signing:report", args=[sha])
    api = f"/api/v1/signing/reports/{sha}"
    reports = VerificationReport.objects.count()
    # not named on the confidential document: the same 404 as a hash that does not exist
    for person in (org.snv_specialist, org.snv_leader, org.stttt_clerk, org.stttt_specialist):
        client.force_login(person.user)
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
        assert client.get(api).status_code == 404
        assert client.post(reverse("signing:recheck", args=[sha])).status_code == 404
        assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    with pytest.raises(NotFound):  # administrators and superusers do not see confidential documents either
        signing_services.report_for(org.admin.user, sha)
    assert VerificationReport.objects.count() == reports
    # the register's keeper sees it; a person named on it (the leader it is presented to) too
    client.force_login(org.snv_clerk.user)
    assert client.get(url).status_code == 200 and client.get(api).status_code == 200
    doc_services.incoming_submit(actor=org.snv_clerk.user, document=doc, leader=org.snv_leader)
    client.force_login(org.snv_leader.user)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_recalled_copy_no_longer_gives_access_to_its_report(client, demo_org, django_capture_on_commit_callbacks):
    org = demo_org
    draft = _draft(org, recipients=[org.stttt])
    with django_capture_on_commit_callbacks(execute=True):
        doc_services.approve(actor=org.snv_leader.user, document=draft)
        doc = doc_services.issue(actor=org.snv_clerk.user, document=draft)
    sha = doc_services.latest_main(doc).file.sha256
    client.force_login(org.stttt_specialist.user)
    assert client.get(reverse("signing:report", args=[sha])).status_code == 200
    doc_services.recall(actor=org.snv_clerk.user, document=doc, reason="Sai sót")
    assert client.get(reverse("signing:report", args=[sha])).status_code == 404
    client.force_login(org.snv_specialist.user)  # the sender's own (recalled) document stays visible to them
    assert client.get(reverse("signing:report", args=[sha])).status_code == 200


def test_internal_delivery_shows_a_valid_signature_to_the_receiving_clerk(
        client, demo_org, django_capture_on_commit_callbacks):
    org = demo_org
    draft = _draft(org, recipients=[org.stttt], subject="Đề nghị phối hợp")
    with django_capture_on_commit_callbacks(execute=True):
        doc_services.approve(actor=org.snv_leader.user, document=draft)
        doc_services.issue(actor=org.snv_clerk.user, document=draft)
    copy = Document.objects.get(agency=org.stttt)
    client.force_login(org.stttt_clerk.user)
    html = client.get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert "Chữ ký hợp lệ (2 chữ ký)" in html


def test_a_file_not_checked_yet_says_so_and_the_page_fetches_the_report_when_ready(client, org, pki, draft_pdf):
    signed = pdfsign.sign_pdf(draft_pdf, p12_backend(pki))
    doc = doc_services.incoming_register(  # no commit in this test: the queued check has not run
        actor=org.snv_clerk.user, files=[("den.pdf", signed)],
        data={"doc_type": "cong_van", "issuer_name": "UBND tỉnh", "subject": "Chưa kiểm tra", "urgency": 0,
              "confidentiality": 0})
    sha = doc_services.latest_main(doc).file.sha256
    client.force_login(org.snv_clerk.user)
    html = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "Chưa kiểm tra" in html and f'hx-get="{reverse("signing:report", args=[sha])}"' in html
    assert client.get(reverse("signing:report", args=[sha]), HTTP_HX_REQUEST="true").status_code == 404
    client.post(reverse("signing:recheck", args=[sha]))
    partial = client.get(reverse("signing:report", args=[sha]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "Chữ ký hợp lệ" in partial.content.decode()
