"""API: the flows over HTTP with bearer tokens, Idempotency-Key, error bodies, scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from documents_helpers import INCOMING_TEXT, make_pdf, register_incoming

from congvu.accounts import services as acc
from congvu.documents.models import Assignment, Document

pytestmark = pytest.mark.django_db


def bearer(staff) -> dict:
    token = acc.token_create(user=staff.user, name="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def upload(client, staff, *, key=None, **data):
    form = {"issuer_name": "Bộ Nội vụ", "subject": "Triển khai cải cách hành chính", "number": "15",
            "symbol": "BNV-CCHC", "issued_on": "05/01/2026", "file": SimpleUploadedFile(
                "cv.pdf", make_pdf(INCOMING_TEXT), "application/pdf")}
    form.update(data)
    headers = bearer(staff)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/documents/incoming", form, **headers)


def test_unauthenticated_gets_401_body(client, org):
    r = client.get("/api/v1/documents/")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_upload_register_with_idempotency_key(client, org):
    r = upload(client, org.snv_clerk, key="abc-1")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["register_number"] == 1 and body["reference"] == "15/BNV-CCHC" and body["files"][0]["version"] == 1
    again = upload(client, org.snv_clerk, key="abc-1")
    assert again.status_code == 201 and again.json()["id"] == body["id"] and Document.objects.count() == 1
    dup = upload(client, org.snv_clerk, key="abc-2")
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate"
    assert Document.objects.count() == 1
    ok = upload(client, org.snv_clerk, key="abc-3", confirm_duplicate="true")
    assert ok.status_code == 201 and Document.objects.count() == 2


@pytest.mark.parametrize("data, status, field", [
    ({"subject": ""}, 400, "subject"),
    ({"issued_on": "30/02/2026"}, 400, "issued_on"),
    ({"number": "abc"}, 422, "number"),
    ({"urgency": "7"}, 400, "urgency"),
    ({"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 nonsense")}, 400, "file"),
])
def test_upload_bad_input(client, org, data, status, field):
    r = upload(client, org.snv_clerk, **data)
    assert r.status_code == status, r.content
    assert r.json()["error"]["field"] == field
    assert not Document.objects.exists()


def test_upload_by_non_clerk_is_403_and_bad_key_is_400(client, org):
    r = upload(client, org.snv_specialist)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = upload(client, org.snv_clerk, key="x" * 101)
    assert r.status_code == 400
    assert not Document.objects.exists()


def test_direct_handle_and_finish_over_api(client, org):
    doc = register_incoming(org)
    leader = bearer(org.snv_leader)
    r = client.post(f"/api/v1/documents/{doc.pk}/direct", {"lead_person_id": org.snv_specialist.pk,
                                                           "info_unit_ids": [org.snv_unit.pk], "note": "Xử lý"},
                    content_type="application/json", **leader)
    assert r.status_code == 200 and r.json()["status"] == "directed", r.content
    lead = Assignment.objects.get(document=doc, kind="lead")
    spec = bearer(org.snv_specialist)
    r = client.post(f"/api/v1/documents/assignments/{lead.pk}/handle", {"action": "progress", "text": "Đang làm"},
                    content_type="application/json", **spec)
    assert r.json()["status"] == "in_progress"
    r = client.post(f"/api/v1/documents/assignments/{lead.pk}/handle", {"action": "dance"},
                    content_type="application/json", **spec)
    assert r.status_code == 400 and r.json()["error"]["field"] == "action"
    r = client.post(f"/api/v1/documents/assignments/{lead.pk}/handle", {"action": "finish", "text": "Xong"},
                    content_type="application/json", **spec)
    assert r.json()["status"] == "done"
    other = bearer(org.stttt_leader)
    r = client.post(f"/api/v1/documents/{doc.pk}/direct", {"lead_unit_id": org.stttt_unit.pk},
                    content_type="application/json", **other)
    assert r.status_code == 404
    r = client.post(f"/api/v1/documents/{doc.pk}/direct", {"lead_unit_id": "x"}, content_type="application/json",
                    **leader)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_outgoing_draft_submit_approve_issue_over_api(client, org):
    spec = bearer(org.snv_specialist)
    payload = {"doc_type": "thong_bao", "subject": "Thông báo lịch trực", "body": "Nội dung thông báo.",
               "signer_id": org.snv_leader.pk, "recipient_agency_ids": [org.stttt.pk],
               "external_recipients": ["Bộ Nội vụ"]}
    r = client.post("/api/v1/documents/drafts", payload, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="draft-1", **spec)
    assert r.status_code == 201, r.content
    doc_id = r.json()["id"]
    r2 = client.post("/api/v1/documents/drafts", payload, content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="draft-1", **spec)
    assert r2.json()["id"] == doc_id and Document.objects.filter(direction="outgoing").count() == 1
    bad = client.post("/api/v1/documents/drafts", {**payload, "recipient_agency_ids": [999999]},
                      content_type="application/json", **spec)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "recipients"
    assert Document.objects.filter(direction="outgoing").count() == 1
    r = client.post(f"/api/v1/documents/{doc_id}/submit", {"reviewer_id": org.snv_leader.pk},
                    content_type="application/json", **spec)
    assert r.json()["status"] == "in_review"
    r = client.post(f"/api/v1/documents/{doc_id}/issue", **bearer(org.snv_clerk))
    assert r.status_code == 409
    r = client.post(f"/api/v1/documents/{doc_id}/approve", {"comment": "OK"}, content_type="application/json",
                    **bearer(org.snv_leader))
    assert r.json()["status"] == "approved"
    r = client.post(f"/api/v1/documents/{doc_id}/issue", **bearer(org.snv_clerk))
    body = r.json()
    assert body["status"] == "issued" and body["reference"] == "01/TB-SNV"
    assert {x["delivery"] for x in body["recipients"]} == {"delivered", "pending_external"}
    received = client.get("/api/v1/documents/?direction=incoming&status=received", **bearer(org.stttt_clerk)).json()
    assert received["items"][0]["reference"] == "01/TB-SNV"
    r = client.post(f"/api/v1/documents/{received['items'][0]['id']}/register", **bearer(org.stttt_clerk))
    assert r.json()["register_number"] == 1


def test_search_over_api(client, org):
    doc = register_incoming(org, subject="Quy hoạch sử dụng đất")
    r = client.get("/api/v1/documents/search", {"q": "QUY HOACH dat"}, **bearer(org.snv_specialist))
    body = r.json()
    assert body["total"] == 1 and body["results"][0]["id"] == doc.pk and body["results"][0]["score"] > 0
    assert set(body["results"][0]) >= {"id", "number", "symbol", "subject", "date", "score"}
    assert client.get("/api/v1/documents/search", {"q": "quy hoach"}, **bearer(org.stttt_clerk)).json()["total"] == 0
    r = client.get("/api/v1/documents/search", {"q": "x", "date_from": "hôm qua"}, **bearer(org.snv_specialist))
    assert r.status_code == 422
    assert client.get("/api/v1/documents/search", {"q": "x" * 1001}, **bearer(org.snv_specialist)).status_code == 400


def test_upload_too_large_is_413_and_legacy_text_is_repaired(client, org, settings):
    settings.CONGVU_MAX_UPLOAD_BYTES = 2000
    r = upload(client, org.snv_clerk)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert not Document.objects.exists()
    settings.CONGVU_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
    r = upload(client, org.snv_clerk, issuer_name="Bé Néi vô", subject="C¶i c¸ch hµnh chÝnh")  # TCVN3
    assert r.status_code == 201 and r.json()["issuer_name"] == "Bộ Nội vụ"
    assert r.json()["subject"] == "Cải cách hành chính"
