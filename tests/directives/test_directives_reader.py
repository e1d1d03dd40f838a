"""The pure reader on its own: known agency names, deadlines and due instants, size limit, odd input."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from congvu.directives.extract import MAX_CHARS, ExtractError, extract
from congvu.directives.reader.deadlines import find, from_cell

BQL = "Ban Quản lý dự án đầu tư và xây dựng khu vực phía Bắc"
TEXT = ("Số: 12/UBND-GT\nLong An, ngày 02 tháng 3 năm 2021\nV/v sửa chữa cầu yếu\n\n"
        f"1. Giao {BQL} chủ trì, phối hợp với Sở Giao thông vận tải rà soát các cầu yếu, báo cáo UBND tỉnh "
        "trước ngày 30/3/2021.\n")


def test_known_agencies_are_matched_whole():
    # without the name, "xây dựng" reads as the verb and the lead is cut short
    assert extract(TEXT)["tasks"][0]["lead"] == "Ban Quản lý dự án đầu tư và"
    task = extract(TEXT, agencies=[BQL, "BQLDA"])["tasks"][0]
    assert task["lead"] == BQL
    assert task["coordinators"] == ["Sở Giao thông vận tải"]
    assert task["report_to"] == "UBND tỉnh" and task["deadline"] == "2021-03-30"


@pytest.mark.django_db
def test_api_passes_the_organisations_agencies(client, org):
    from congvu.accounts.services import token_create

    from factories import AgencyFactory

    AgencyFactory(code="000.00.09.H99", name=BQL, short_name="BQLDA", parent=org.root)
    _token, raw = token_create(user=org.snv_clerk.user, name="t")
    r = client.post("/api/v1/directives/extract", {"text": TEXT}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["tasks"][0]["lead"] == BQL


@pytest.mark.parametrize(("text", "deadline", "due"), [
    ("báo cáo trước 07h00' ngày 28/3/2020", "2020-03-28T07:00", "2020-03-28T07:00:00+07:00"),
    ("trước 16 giờ 30 phút ngày 5/4/2020", "2020-04-05T16:30", "2020-04-05T16:30:00+07:00"),
    ("hoàn thành trước ngày 25/3/2020", "2020-03-25", "2020-03-25T00:00:00+07:00"),
    ("chậm nhất ngày 15 tháng 4 năm 2025", "2025-04-15", "2025-04-15T23:59:59+07:00"),
    ("trình UBND tỉnh vào ngày 01/12/2025", "2025-12-01", "2025-12-01T23:59:59+07:00"),
    ("hoàn thành trong tháng 11/2020", "2020-11", "2020-11-30T23:59:59+07:00"),
    ("trong tháng 2 năm 2024", "2024-02", "2024-02-29T23:59:59+07:00"),
    ("trước tháng 6/2025", "2025-06", "2025-06-01T00:00:00+07:00"),
    ("hoàn thành trong năm 2025", "2025", "2025-12-31T23:59:59+07:00"),
    ("trong quý II/2025", None, "2025-06-30T23:59:59+07:00"),
    ("thời gian thực hiện từ ngày 01/4/2020", None, None),
    ("định kỳ hằng tháng báo cáo", None, None),
    ("đạt tỷ lệ 80% trong năm 2025", None, None),
    ("theo Chỉ thị số 15/CT-TTg ngày 27/3/2020", None, None),
    ("trước ngày 31/2/2020", None, None),
])
def test_deadline_forms(text, deadline, due):
    d = find(text, doc_date=dt.date(2020, 3, 1))
    assert (d.deadline, d.due_at) == (deadline, due)


def test_deadline_without_year_takes_the_document_year_and_rolls_over():
    assert find("trước ngày 02/4", doc_date=dt.date(2020, 3, 27)).deadline == "2020-04-02"
    assert find("trước ngày 10/01", doc_date=dt.date(2024, 12, 25)).deadline == "2025-01-10"
    assert find("trước ngày 10/01").deadline is None  # no year anywhere: never a guess
    assert find("trước ngày 10/01", fallback_year=2026).deadline == "2026-01-10"


def test_start_and_recurring_are_reported_apart():
    d = find("Thời gian thực hiện từ ngày 01/4/2020.", doc_date=dt.date(2020, 3, 31))
    assert (d.deadline, d.text, d.begins) == (None, None, "2020-04-01")
    d = find("báo cáo UBND tỉnh trước ngày 10 hằng tháng")
    assert (d.deadline, d.recurring) == (None, "trước ngày 10 hằng tháng")


@pytest.mark.parametrize(("cell", "deadline"), [
    ("2025", "2025"), ("Năm 2025", "2025"), ("Tháng 6/2025", "2025-06"), ("Tháng 8 năm 2024", "2024-08"),
    ("Trước ngày 15/12/2025", "2025-12-15"), ("30/9/2024", "2024-09-30"), ("Quý III/2025", None),
    ("Thường xuyên", None), ("", None), ("-", None),
])
def test_deadline_table_cells(cell, deadline):
    assert from_cell(cell).deadline == deadline


def test_today_supplies_the_year_only_when_the_document_has_no_date():
    text = "Giao Sở Y tế chủ trì rà soát trang thiết bị, báo cáo trước ngày 15/4."
    assert extract(text)["tasks"][0]["deadline"] is None
    assert extract(text, today=dt.date(2026, 1, 5))["tasks"][0]["deadline"] == "2026-04-15"


def test_too_large_is_refused_at_once_and_large_is_bounded():
    start = time.perf_counter()
    with pytest.raises(ExtractError) as err:
        extract("Giao Sở Nội vụ chủ trì. " * (50 * 1024 * 1024 // 24))
    assert err.value.code == "too_large" and time.perf_counter() - start < 1
    # a long single-line text without any structure is read in bounded time
    blob = ("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, báo cáo UBND tỉnh trước ngày 02/4/2020; " * 2000)
    assert len(blob) < MAX_CHARS
    start = time.perf_counter()
    extract(blob)
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x01\x02"])
def test_empty_text_is_refused(bad):
    with pytest.raises(ExtractError) as err:
        extract(bad)
    assert err.value.code == "empty"


def test_not_a_string_is_refused():
    with pytest.raises(ExtractError) as err:
        extract(b"bytes")  # type: ignore[arg-type]
    assert err.value.code == "invalid"


def test_garbage_and_legacy_text_do_not_crash():
    assert extract("%%%% ||| --- ::: ;;; 1. 2. a) + - •")["tasks"] == []
    tcvn3 = "Giao Së Néi vô chñ tr×, b¸o c¸o tr­íc ngµy 25/3/2020."
    task = extract(tcvn3)["tasks"][0]
    assert task["lead"] == "Sở Nội vụ" and task["deadline"] == "2020-03-25"


def test_signature_before_noi_nhan_on_one_line_does_not_crash():
    # found by fuzzing: a flattened signature *before* "Nơi nhận:" on the same line
    text = "Sở Nội vụ chủ trì. KT. CHỦ TỊCH Nguyễn Văn An Nơi nhận: - Như trên; - Lưu: VT."
    assert extract(text)["document"]["recipients"] == ["Như trên", "Lưu: VT"]


def test_flattened_header_and_signature():
    text = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
            "Số: 4455/UBND-VX Quảng Trị, ngày 11 tháng 9 năm 2023 V/v bảo đảm an toàn thực phẩm\n"
            "1. Sở Y tế chủ trì kiểm tra, báo cáo UBND tỉnh trước ngày 05/10/2023.\n"
            "Nơi nhận: - Như trên; - Lưu: VT, VX. KT. CHỦ TỊCH PHÓ CHỦ TỊCH Hoàng Nam")
    doc = extract(text)["document"]
    assert (doc["number"], doc["place"], doc["date"], doc["subject"]) == (
        "4455", "Quảng Trị", "2023-09-11", "bảo đảm an toàn thực phẩm")
    assert (doc["signer"], doc["signer_title"], doc["authority"]) == ("Hoàng Nam", "PHÓ CHỦ TỊCH", "KT.")
    assert doc["recipients"] == ["Như trên", "Lưu: VT, VX"]


def test_draft_with_blank_number_and_date():
    text = ("UBND TỈNH HÀ TĨNH\nSố:      /UBND-VP\nV/v dự thảo kế hoạch\nHà Tĩnh, ngày    tháng    năm 2025\n\n"
            "1. Giao Sở Nội vụ chủ trì, báo cáo UBND tỉnh trước ngày 10/5.\n")
    result = extract(text)
    doc = result["document"]
    assert (doc["number"], doc["symbol"], doc["place"], doc["date"]) == (None, "UBND-VP", "Hà Tĩnh", None)
    task = result["tasks"][0]
    assert task["lead"] == "Sở Nội vụ" and task["deadline"] is None and task["deadline_text"] == "trước ngày 10/5"


def test_responsibility_headings_of_a_plan():
    text = ("Số: 15/KH-UBND\nHuế, ngày 02 tháng 3 năm 2025\nKẾ HOẠCH\nChuyển đổi số năm 2025\n\n"
            "III. TỔ CHỨC THỰC HIỆN\n1. Trách nhiệm của các sở, ban, ngành\n"
            "- Chủ động xây dựng kế hoạch chuyển đổi số của đơn vị, hoàn thành trong tháng 4/2025.\n"
            "- Bố trí cán bộ đầu mối về chuyển đổi số.\n2. Trách nhiệm của Sở Nội vụ:\n"
            "Đưa nội dung chuyển đổi số vào tiêu chí thi đua, khen thưởng.\n")
    tasks = extract(text)["tasks"]
    assert [(t["lead"], t["deadline"], t["implicit_lead"]) for t in tasks] == [
        ("các sở, ban, ngành", "2025-04", False), ("các sở, ban, ngành", None, False), ("Sở Nội vụ", None, False)]


@pytest.mark.parametrize(("text", "lead", "starts"), [
    ("Chủ tịch UBND tỉnh chỉ đạo Sở Y tế khẩn trương kiểm tra các bệnh viện.", "Sở Y tế", "chỉ đạo Sở Y tế"),
    ("UBND tỉnh giao nhiệm vụ cho Sở Tài chính tham mưu bố trí kinh phí.", "Sở Tài chính", "giao nhiệm vụ cho"),
    ("Phân công Sở Nội vụ chủ trì tổ chức hội nghị.", "Sở Nội vụ", "Phân công Sở Nội vụ"),
    ("Giao đồng chí Giám đốc Sở Y tế trực tiếp chỉ đạo công tác điều trị.", "đồng chí Giám đốc Sở Y tế", "Giao"),
    ("UBND tỉnh Quảng Ninh yêu cầu các sở, ngành rà soát các dự án.", "các sở, ngành", "yêu cầu các sở"),
])
def test_the_issuer_assigns_and_the_addressee_leads(text, lead, starts):
    task = extract(text)["tasks"][0]
    assert task["lead"] == lead and task["action"].startswith(starts)


_PATHOLOGICAL = {
    "many tasks in one paragraph": "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính; ",
    "many deadlines in one task": "Giao Sở Y tế báo cáo trước ngày 1/2/2025, trước ngày 2/3/2025, ",
    "many reporting verbs": "Giao Sở Y tế báo cáo, trình, đề xuất, ",
    "many partners": "Giao Sở Y tế phối hợp với cùng phối hợp ",
    "table rows": "1 | Rà soát | Sở Y tế | 2025\n",
}


@pytest.mark.parametrize("piece", list(_PATHOLOGICAL.values()), ids=list(_PATHOLOGICAL))
def test_reading_time_grows_linearly(piece):
    """Four times the text takes about four times as long (a quadratic path would take sixteen)."""
    def best_of_two(n: int) -> float:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            extract("TT | Nội dung | Cơ quan chủ trì | Thời gian\n" + piece * n)
            times.append(time.perf_counter() - start)
        return min(times)

    n = 60_000 // len(piece)
    small, large = best_of_two(n), best_of_two(4 * n)
    assert large < 9 * small + 0.2, (small, large)
