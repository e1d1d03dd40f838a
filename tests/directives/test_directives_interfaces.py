"""The CLI (`congvu extract`) and the API (`POST /api/v1/directives/extract`), with bad input of every kind."""

from __future__ import annotations

import json
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from extract_helpers import DEV_CORPUS, OWN_CORPUS, labelled, make_docx

from congvu.accounts.services import token_create

DEV = labelled(DEV_CORPUS)
FIRST_ID, FIRST_TEXT, FIRST_LABEL = DEV[0]

NOTICE = ("Số: 07/TB-UBND\nĐà Nẵng, ngày 05 tháng 01 năm 2021\nTHÔNG BÁO\nKết luận của Chủ tịch UBND thành phố\n\n"
          "1. Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính rà soát trang thiết bị; báo cáo Ủy ban nhân dân "
          "thành phố trước ngày 20/01/2021.\n")


def _run(*args) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("extract", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


# --- CLI ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_cli_one_file_one_json_object():
    out, err, code = _run(str(DEV_CORPUS / f"{FIRST_ID}.txt"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["document"] == FIRST_LABEL["document"]
    assert [t["lead"] for t in data["tasks"]] == [t["lead"] for t in FIRST_LABEL["tasks"]]
    assert data["tasks"][0]["due_at"] == "2020-03-28T07:00:00+07:00"


@pytest.mark.django_db
def test_cli_several_files_json_lines_and_bad_file_does_not_stop_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    files = [str(DEV_CORPUS / f"{d[0]}.txt") for d in DEV[:2]]
    out, err, code = _run(files[0], str(empty), str(junk), str(tmp_path / "missing.txt"), files[1], "--json")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [DEV[0][0], DEV[1][0]]
    assert "empty.txt: Tệp rỗng" in err
    assert "junk.bin" in err and "[binary]" in err
    assert "missing.txt: Không tìm thấy tệp" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_cli_human_output_and_docx_table(tmp_path):
    path = tmp_path / "kh.docx"
    path.write_bytes(make_docx(
        ["Số: 15/KH-UBND", "Huế, ngày 02 tháng 3 năm 2025", "KẾ HOẠCH", "Chuyển đổi số năm 2025", "",
         "II. NHIỆM VỤ CỤ THỂ"],
        table=[["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
               ["1", "Xây dựng kho dữ liệu dùng chung", "Sở Thông tin và Truyền thông", "Sở Nội vụ; Sở Tài chính",
                "Tháng 6/2025"],
               ["2", "Số hóa hồ sơ lưu trữ", "Sở Nội vụ", "Các sở, ban, ngành", "2025"]]))
    out, err, code = _run(str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["document"]["type"] == "Kế hoạch"
    assert [(t["lead"], t["deadline"]) for t in data["tasks"]] == [
        ("Sở Thông tin và Truyền thông", "2025-06"), ("Sở Nội vụ", "2025")]
    assert data["tasks"][0]["coordinators"] == ["Sở Nội vụ", "Sở Tài chính"]
    out, err, code = _run(str(path))
    assert code == 0 and "Sở Thông tin và Truyền thông" in out and "2025-06" in out


@pytest.mark.django_db
def test_cli_pdf_with_and_without_text_layer(tmp_path, text_pdf, textless_pdf):
    good, scan = tmp_path / "good.pdf", tmp_path / "scan.pdf"
    good.write_bytes(text_pdf)
    scan.write_bytes(textless_pdf)
    out, err, code = _run(str(good), str(scan), "--json")
    assert code == 1
    row = json.loads(out.splitlines()[0])
    assert row["document"]["symbol"] == "TB-UBND"
    assert row["tasks"][0]["lead"] == "Sở Y tế" and row["tasks"][0]["deadline"] == "2021-01-20"
    assert "scan.pdf" in err and "OCR" in err and "[no_text_layer]" in err


@pytest.mark.django_db
def test_cli_malformed_docx_and_huge_text(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    huge = tmp_path / "huge.txt"
    line = "Giao Sở Nội vụ chủ trì. ".encode()
    huge.write_bytes(line * (50 * 1024 * 1024 // len(line)))
    out, err, code = _run(str(bad), str(huge))
    assert code == 1 and out == ""
    assert "bad.docx" in err and "DOCX" in err
    assert "huge.txt" in err and "quá" in err and "[too_large]" in err


@pytest.mark.django_db
def test_cli_nfd_and_legacy_encoded_files_read_like_unicode(tmp_path):
    nfd = tmp_path / "nfd.txt"
    nfd.write_bytes(unicodedata.normalize("NFD", NOTICE).encode("utf-8"))
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes(NOTICE.encode("utf-16"))
    out, err, code = _run(str(nfd), str(utf16), "--json")
    assert code == 0, err
    a, b = (json.loads(x) for x in out.splitlines())
    assert a["document"] == b["document"] and a["document"]["place"] == "Đà Nẵng"
    assert a["tasks"][0]["report_to"] == "Ủy ban nhân dân thành phố"


@pytest.mark.django_db
def test_cli_evaluate_reports_fields_and_f1():
    out, err, code = _run("--evaluate", str(DEV_CORPUS), str(OWN_CORPUS))
    assert code == 0, err
    assert "symbol" in out and "F1" in out
    out, err, code = _run("--evaluate", str(DEV_CORPUS), "--json")
    report = json.loads(out)[str(DEV_CORPUS)]
    assert report["tasks"]["f1"] == 1.0
    assert all(v == 1.0 for v in report["document_fields"].values())
    _out, err, code = _run("--evaluate", "/nonexistent-folder")
    assert code == 1 and "not a folder" in err


@pytest.mark.django_db
def test_cli_needs_a_file_and_a_good_today():
    assert _run()[2] == 1
    _out, err, code = _run(str(DEV_CORPUS / f"{FIRST_ID}.txt"), "--today", "31/02/2020")
    assert code == 1 and "today" in err


# --- API ------------------------------------------------------------------------------------------

URL = "/api/v1/directives/extract"


def _bearer(user):
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_api_requires_login(client):
    r = client.post(URL, {"text": NOTICE}, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    r = client.post(URL, {"text": NOTICE}, content_type="application/json", HTTP_AUTHORIZATION="Bearer cv_wrong")
    assert r.status_code == 401


@pytest.mark.django_db
def test_api_json_text_same_as_cli(client, org):
    r = client.post(URL, {"text": FIRST_TEXT}, content_type="application/json", **_bearer(org.snv_clerk.user))
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["document"] == FIRST_LABEL["document"]
    out, _err, _code = _run(str(DEV_CORPUS / f"{FIRST_ID}.txt"), "--json")
    cli = json.loads(out)
    cli.pop("id")
    assert data == cli


@pytest.mark.django_db
def test_api_file_upload_and_session_login(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.stttt_clerk.user)
    upload = SimpleUploadedFile("tb.txt", NOTICE.encode("utf-8"), content_type="text/plain")
    r = client.post(URL, {"file": upload})
    assert r.status_code == 200, r.content
    task = r.json()["tasks"][0]
    assert task["lead"] == "Sở Y tế" and task["coordinators"] == ["Sở Tài chính"]
    assert task["deadline"] == "2021-01-20" and task["due_at"] == "2021-01-20T00:00:00+07:00"


@pytest.mark.django_db
def test_api_bad_input_gives_clear_4xx(client, org, textless_pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    auth = _bearer(org.snv_clerk.user)

    def upload(name, data):
        return client.post(URL, {"file": SimpleUploadedFile(name, data)}, **auth)

    cases = [
        (upload("empty.txt", b""), 400, "empty"),
        (upload("junk.bin", bytes(range(256)) * 20), 415, "binary"),
        (upload("scan.pdf", textless_pdf), 415, "no_text_layer"),
        (upload("bad.docx", b"PK\x03\x04garbage" * 50), 400, "malformed_docx"),
        (upload("big.txt", b"a" * (21 * 1024 * 1024)), 413, "too_large"),
        (client.post(URL, {"text": "   "}, content_type="application/json", **auth), 400, "empty"),
        (client.post(URL, {"text": 5}, content_type="application/json", **auth), 400, "invalid"),
        (client.post(URL, "{not json", content_type="application/json", **auth), 400, "invalid"),
        (client.post(URL, {"nothing": 1}, **auth), 400, "invalid"),
        (client.post(URL, "text", content_type="text/plain", **auth), 415, "unsupported_type"),
        (client.post(URL, {"text": NOTICE, "today": "hôm qua"}, content_type="application/json", **auth), 400,
         "invalid"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (code, response.content[:200])
        body = response.json()["error"]
        assert body["code"] == code and body["message"]


@pytest.mark.django_db
def test_api_refuses_huge_json_text(client, org):
    r = client.post(URL, json.dumps({"text": "x" * 2_100_000}), content_type="application/json",
                    **_bearer(org.snv_clerk.user))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


@pytest.mark.django_db
def test_openapi_lists_the_extract_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/directives/extract" in paths
