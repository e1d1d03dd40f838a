"""A clerk checks a signed PDF and a leader registers a certificate, with a real browser."""

import re

import pytest

from factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signing_files(tmp_path, settings):
    from congvu.signing import pdfsign, pki, samples
    from congvu.signing.backends import Pkcs12Backend

    made = pki.make_demo_pki(tmp_path / "pki", "demo", bad=False)
    settings.CONGVU_TRUST_ROOTS = [str(made.files["ca"])]
    settings.DATA_DIR = tmp_path / "data"
    draft = samples.decree30_pdf()
    signed = pdfsign.sign_pdf(draft, Pkcs12Backend(data=made.files["leader"].read_bytes(), password="demo"))
    (tmp_path / "signed.pdf").write_bytes(signed)
    tampered = bytearray(signed)
    tampered[bytes(tampered).index(b"/MediaBox") + 1] = ord("Q")
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    return tmp_path


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_clerk_verifies_a_signed_and_a_tampered_pdf(page, org, signing_files):
    _login(page, "vanthu.snv")
    page.get_by_role("link", name="Chữ ký số").click()
    assert page.get_by_role("heading", name="Kiểm tra chữ ký số", level=1).is_visible()
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signing_files / "signed.pdf"))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_url(re.compile(r".*/ky-so/ket-qua/[0-9a-f]{64}/$"))
    assert page.locator("#verdict").inner_text() == "Chữ ký hợp lệ"
    assert page.get_by_role("cell", name="Lãnh đạo (demo)").is_visible()
    page.get_by_role("link", name="Kiểm tra tệp khác").click()
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signing_files / "tampered.pdf"))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_url(re.compile(r".*/ky-so/ket-qua/.*"))
    assert "sửa sau khi ký" in page.locator("#verdict").inner_text()


def test_non_pdf_upload_shows_the_error_summary(page, org, signing_files):
    (signing_files / "note.pdf").write_text("không phải PDF")
    _login(page, "chuyenvien.snv")
    page.goto("/ky-so/kiem-tra/")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signing_files / "note.pdf"))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Tệp không phải PDF" in page.get_by_role("alert").inner_text()


def test_leader_registers_a_pkcs12_certificate(page, org, signing_files):
    _login(page, "lanhdao.snv")
    page.goto("/ky-so/chung-thu/")
    page.get_by_label("Tên gọi").first.fill("Chứng thư USB của tôi")
    page.get_by_label("Tệp chứng thư (.p12, .pfx)").set_input_files(str(signing_files / "pki" / "leader.p12"))
    page.get_by_label("Mật khẩu của tệp").fill("demo")
    page.get_by_role("button", name="Thêm chứng thư").first.click()
    page.wait_for_url(re.compile(r".*/ky-so/chung-thu/$"))
    assert page.get_by_role("cell", name="Chứng thư USB của tôi").is_visible()
    assert page.get_by_role("status").first.inner_text().strip() == "Đã thêm chứng thư ký số."
