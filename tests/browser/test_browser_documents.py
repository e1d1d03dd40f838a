"""A clerk, a leader and a specialist walk documents through a real browser."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from factories import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "documents"))
from documents_helpers import INCOMING_TEXT, make_pdf  # noqa: E402

from congvu.documents.models import Document  # noqa: E402

pytestmark = [pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_incoming_register_direct_handle_finish(page, org, tmp_path):
    pdf = tmp_path / "cong-van-15.pdf"
    pdf.write_bytes(make_pdf(INCOMING_TEXT))
    _as(page, "vanthu.snv")
    page.goto("/van-ban/den/")
    page.get_by_role("link", name="Tiếp nhận, vào sổ văn bản đến").click()
    page.get_by_label("Tệp văn bản (PDF, DOCX, ảnh quét)").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên và đọc thông tin").click()
    assert page.get_by_label("Số", exact=True).input_value() == "15"  # pre-filled from the file
    assert page.get_by_label("Ký hiệu").input_value() == "BNV-CCHC"
    assert page.get_by_label("Ngày văn bản").input_value() == "05/01/2026"
    page.get_by_label("Độ khẩn").select_option(label="Khẩn")
    page.get_by_role("button", name="Vào sổ văn bản đến").click()
    page.wait_for_url(re.compile(r".*/van-ban/\d+/$"))
    assert "số đến 1" in page.locator("#doc-register").inner_text()
    assert "KHẨN" in page.locator("#doc-marks").inner_text()
    doc_url = page.url
    page.get_by_label("Trình lãnh đạo").select_option(str(org.snv_leader.pk))
    page.get_by_role("button", name="Trình lãnh đạo").click()
    assert page.locator("#doc-status").text_content() == "Đã trình lãnh đạo"

    _as(page, "lanhdao.snv")
    assert "Cho ý kiến chỉ đạo" in page.content()  # on the leader's work queue
    page.goto(doc_url)
    page.get_by_role("link", name="Bút phê, chỉ đạo").click()
    page.get_by_label("Người chủ trì").select_option(str(org.snv_specialist.pk))
    page.get_by_label("Ý kiến chỉ đạo (bút phê)").fill("Giao đồng chí Chuyên tham mưu trả lời.")
    page.get_by_role("button", name="Ghi ý kiến chỉ đạo").click()
    assert page.locator("#doc-status").text_content() == "Đã có ý kiến chỉ đạo"

    _as(page, "chuyenvien.snv")
    page.goto("/van-ban/den/")
    page.locator("#my-assignments").get_by_role("link").first.click()
    page.get_by_label("Tiến độ xử lý").fill("Đã xin ý kiến các phòng.")
    page.get_by_role("button", name="Ghi tiến độ").click()
    assert page.locator("#doc-status").text_content() == "Đang xử lý"
    page.get_by_label("Kết quả xử lý").fill("Đã tham mưu văn bản trả lời.")
    page.get_by_role("button", name="Hoàn thành").click()
    assert page.locator("#doc-status").text_content() == "Đã xử lý xong"
    timeline = page.locator("#timeline").inner_text()
    assert "Bút phê, chỉ đạo" in timeline and "Hoàn thành xử lý" in timeline


LEADER_PASSWORD = "Mk-ky-so-2026"


def test_outgoing_draft_review_approve_issue_arrives_in_other_agency(page, org, trust_test_ca):
    import factories

    # the leader's key is a PKCS#12 file with a password (asked at approval); the agency's a demo one
    factories.give_signing_credentials(org, password=LEADER_PASSWORD, agencies=[])
    factories.give_signing_credentials(org, leaders=[])
    _as(page, "chuyenvien.snv")
    page.goto("/van-ban/di/soan/")
    page.get_by_label("Loại văn bản").select_option("thong_bao")
    page.get_by_label("Trích yếu").fill("Lịch trực cơ quan dịp nghỉ lễ")
    page.get_by_label("Người ký", exact=True).select_option(str(org.snv_leader.pk))
    page.get_by_label("Thẩm quyền ký").select_option("KT.")
    page.get_by_label("Dòng thẩm quyền").fill("GIÁM ĐỐC")
    page.get_by_label("Nội dung (soạn trực tiếp)").fill("Sở Nội vụ thông báo lịch trực như sau.")
    page.get_by_label("Nơi nhận trong hệ thống").select_option(str(org.stttt.pk))
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_url(re.compile(r".*/van-ban/\d+/$"))
    doc_url = page.url
    assert page.locator("#doc-status").text_content() == "Dự thảo"
    page.get_by_label("Trình cho", exact=True).select_option(str(org.snv_clerk.pk))  # office checks format
    page.get_by_role("button", name="Trình duyệt").click()

    _as(page, "vanthu.snv")
    page.goto(doc_url)
    page.get_by_label("Trình cho", exact=True).select_option(str(org.snv_leader.pk))
    page.get_by_role("button", name="Chuyển tiếp lên cấp trên").click()

    _as(page, "lanhdao.snv")
    page.goto(doc_url)
    page.get_by_label("Ý kiến duyệt").fill("Đồng ý")
    page.get_by_label("Mật khẩu của tệp chữ ký số").fill("sai-mat-khau")
    page.get_by_role("button", name="Duyệt và ký số").click()
    assert page.locator("#doc-status").text_content() == "Đang trình duyệt"  # wrong password: nothing done
    assert "sai-mat-khau" not in page.content()
    page.get_by_label("Mật khẩu của tệp chữ ký số").fill(LEADER_PASSWORD)
    page.get_by_role("button", name="Duyệt và ký số").click()
    assert page.locator("#doc-status").text_content() == "Đã duyệt"
    assert "Chữ ký hợp lệ" in page.locator("#doc-files").inner_text()  # the signed version, checked on commit

    _as(page, "vanthu.snv")
    page.goto(doc_url)
    assert "Chứng thư cơ quan" in page.locator("#issue-form").inner_text()
    assert page.locator("#issue-form input[type=password]").count() == 0  # a demo key: no password asked
    page.get_by_role("button", name="Cấp số và ban hành").click()
    assert page.locator("#doc-reference").inner_text() == "01/TB-SNV"
    assert "Chữ ký hợp lệ (2 chữ ký)" in page.locator("#doc-files").inner_text()
    assert "Đã chuyển vào hệ thống" in page.locator("#recipients").inner_text()

    _as(page, "vanthu.stttt")
    assert "Vào sổ: 01/TB-SNV" in page.content()  # the receiving clerk's work queue
    page.goto("/van-ban/den/?status=received")
    page.get_by_role("link", name="Lịch trực cơ quan dịp nghỉ lễ").click()
    page.get_by_role("link", name="Vào sổ văn bản đến").click()
    page.get_by_role("button", name="Vào sổ văn bản đến").click()
    assert "số đến 1" in page.locator("#doc-register").inner_text()
    copy = Document.objects.get(agency=org.stttt)
    assert copy.status == "registered" and copy.source.reference == "01/TB-SNV"
    # the receiving clerk sees the verification of the delivered, signed PDF
    check = page.locator(".verification").first.inner_text()
    assert "Chữ ký hợp lệ (2 chữ ký)" in check
    page.get_by_role("link", name="Xem báo cáo đầy đủ").first.click()
    assert "Chữ ký hợp lệ" in page.locator("#verdict").inner_text()
