"""Signing and verifying real PDFs: PAdES signatures checked by pyHanko's validator, bad input, timestamps."""

from __future__ import annotations

import datetime as dt
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import tsp
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper
from pyhanko.sign.validation.status import SignatureCoverageLevel
from signing_helpers import p12_backend, pyhanko_statuses, tsa_parts

from congvu.signing import layout, pdfsign
from congvu.signing import pki as pki_mod
from congvu.signing.backends import CallableRemoteBackend, get_backend
from congvu.signing.errors import BadPdf, SigningFailed
from congvu.signing.verify import cli_view, verify_pdf


@pytest.fixture(scope="module")
def signed_pdf(pki, draft_pdf) -> bytes:
    return pdfsign.sign_pdf(draft_pdf, p12_backend(pki), reason="Phê duyệt")


def _verify(pki, pdf, **kwargs):
    return verify_pdf(pdf, trust_roots=[pki.ca_asn1], **kwargs)


def test_signature_validates_with_pyhanko_and_our_verifier(pki, signed_pdf):
    [status] = pyhanko_statuses(signed_pdf, pki.ca_asn1)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    report = _verify(pki, signed_pdf)
    assert report["ok"] is True and report["verdict"] == "Chữ ký hợp lệ"
    [sig] = report["signatures"]
    assert sig["signer"] == "Lãnh đạo (demo)"
    assert sig["intact"] and sig["trusted"] and sig["covers_whole_document"] and not sig["modified_after_signing"]
    assert dt.datetime.fromisoformat(sig["signed_at"]).utcoffset() == dt.timedelta(hours=7)
    view = cli_view(report)
    assert set(view["signatures"][0]) == {"signer", "intact", "trusted", "covers_whole_document",
                                          "modified_after_signing", "signed_at", "messages"}


def test_two_signatures_in_order_with_number_and_date_filled_in_between(pki, draft_pdf):
    number, date = layout.number_date_places(draft_pdf, number_fallback=(0, (0, 0, 1, 1)),
                                             date_fallback=(0, (0, 0, 1, 1)))
    assert number.found and number.text.startswith("Số:") and date.found and "ngày" in date.text
    prepared = pdfsign.add_issue_fields(draft_pdf, number=number, date=date)
    assert pdfsign.has_issue_fields(prepared)
    approved = pdfsign.sign_pdf(prepared, p12_backend(pki), field_name="CongVu_NguoiKy")
    filled = pdfsign.fill_issue_fields(approved, number_text="Số: 07/QĐ-SNV",
                                       date_text="Hà Nội, ngày 05 tháng 02 năm 2026")
    issued = pdfsign.sign_pdf(filled, p12_backend(pki, "organisation"), field_name="CongVu_CoQuan")
    assert issued.startswith(approved)  # incremental updates only
    first, second = pyhanko_statuses(issued, pki.ca_asn1)
    assert first.bottom_line and second.bottom_line
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level == ModificationLevel.FORM_FILLING and first.docmdp_ok
    assert second.coverage == SignatureCoverageLevel.ENTIRE_FILE
    report = _verify(pki, issued)
    assert report["ok"] and [s["signer"] for s in report["signatures"]] == [
        "Lãnh đạo (demo)", "Ủy ban nhân dân thành phố Hải Phòng"]
    assert not report["signatures"][0]["covers_whole_document"]
    assert not report["signatures"][0]["modified_after_signing"]
    assert report["signatures"][0]["messages"] == [
        "Có cập nhật hợp lệ sau khi ký: chữ ký số của cơ quan, ngày ban hành, số, ký hiệu."]
    from pypdf import PdfReader

    values = PdfReader(io.BytesIO(issued)).get_form_text_fields()
    assert values[pdfsign.NUMBER_FIELD] == "Số: 07/QĐ-SNV"
    assert values[pdfsign.DATE_FIELD] == "Hà Nội, ngày 05 tháng 02 năm 2026"


def test_changed_signed_bytes_are_reported_tampered(pki, signed_pdf):
    data = bytearray(signed_pdf)
    at = signed_pdf.index(b"/MediaBox")
    data[at + 1] = ord("X")  # still parseable, but not what was signed
    report = _verify(pki, bytes(data))
    assert report["ok"] is False
    assert report["verdict_code"] in ("tampered", "bad_pdf", "invalid")
    assert all(not s["intact"] for s in report["signatures"])


def test_content_added_after_signing_is_modified(pki, signed_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 400 Td (DA SUA) Tj ET"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    [status] = pyhanko_statuses(out.getvalue(), pki.ca_asn1)
    assert status.modification_level == ModificationLevel.OTHER
    report = _verify(pki, out.getvalue())
    assert report["ok"] is False and report["verdict"] == "Văn bản đã bị sửa sau khi ký"
    assert report["signatures"][0]["modified_after_signing"] is True


def test_junk_appended_after_signing_is_not_valid(pki, signed_pdf):
    report = _verify(pki, signed_pdf + b"\n9999 0 obj\n(noi dung them)\nendobj\n")
    assert report["ok"] is False and report["verdict_code"] == "modified"


@pytest.mark.parametrize("mangle, code", [
    (lambda b: b[: len(b) // 2], "bad_pdf"),
    (lambda b: b"%PDF-1.7\n" + b"\x00garbage" * 50, "bad_pdf"),
    (lambda b: b"", "not_pdf"),
    (lambda b: b"PK\x03\x04 not a pdf", "not_pdf"),
])
def test_corrupted_truncated_and_non_pdf_files(pki, signed_pdf, mangle, code):
    report = _verify(pki, mangle(signed_pdf))
    assert report["ok"] is False and report["verdict_code"] == code and report["errors"]
    with pytest.raises(BadPdf):
        pdfsign.sign_pdf(mangle(signed_pdf), p12_backend(pki))


def test_encrypted_pdf_gives_a_clear_verdict(pki, draft_pdf):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(draft_pdf)))
    writer.encrypt(user_password="u", owner_password="o", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    report = _verify(pki, out.getvalue())
    assert report["verdict_code"] == "encrypted_pdf" and "mã hóa" in report["verdict"] and not report["ok"]
    with pytest.raises(BadPdf, match="mã hóa"):
        pdfsign.sign_pdf(out.getvalue(), p12_backend(pki))


@pytest.mark.parametrize("stem, code, verdict", [
    ("expired", "cert_expired", "expired"),
    ("not-yet-valid", "cert_not_yet_valid", "not_yet_valid"),
    ("no-signing-usage", "cert_no_signing_usage", "key_usage"),
])
def test_unusable_certificates_are_refused_and_reported(pki, draft_pdf, stem, code, verdict):
    with pytest.raises(SigningFailed) as err:
        pdfsign.sign_pdf(draft_pdf, p12_backend(pki, stem))
    assert err.value.code == code
    forced = pdfsign.sign_pdf(draft_pdf, p12_backend(pki, stem), check_certificate=False)
    report = _verify(pki, forced)
    assert report["ok"] is False and report["verdict_code"] == verdict
    assert not report["signatures"][0]["trusted"] or verdict == "key_usage"


def test_untrusted_ca(pki, draft_pdf, signed_pdf):
    other = pdfsign.sign_pdf(draft_pdf, p12_backend(pki, "untrusted"))
    report = _verify(pki, other)
    assert report["verdict"] == "Chứng thư số không được tin cậy" and report["ok"] is False
    assert report["signatures"][0]["intact"] is True and report["signatures"][0]["trusted"] is False
    # our own signature with no trust roots configured is not trusted either
    assert verify_pdf(signed_pdf, trust_roots=[])["verdict_code"] == "untrusted"


def test_wrong_password_is_a_clear_error_without_the_password(pki, draft_pdf):
    with pytest.raises(SigningFailed) as err:
        pdfsign.sign_pdf(draft_pdf, p12_backend(pki, password="sai-mat-khau-123"))
    assert err.value.code == "bad_p12_password" and "sai-mat-khau-123" not in str(err.value)
    assert "sai-mat-khau-123" not in repr(p12_backend(pki, password="sai-mat-khau-123"))
    with pytest.raises(SigningFailed):
        get_backend("pkcs12", data=b"not a p12", password="x").certificate()
    with pytest.raises(SigningFailed):
        get_backend("no-such-kind")


def _crl_revoking(pki, cert):
    from asn1crypto import crl as asn1_crl
    from cryptography.hazmat.primitives.serialization import Encoding

    now = dt.datetime.now(dt.UTC)
    revoked = cx509.RevokedCertificateBuilder().serial_number(cert.serial_number) \
        .revocation_date(now - dt.timedelta(hours=1)).build()
    crl = (cx509.CertificateRevocationListBuilder().issuer_name(pki.ca.cert.subject)
           .last_update(now - dt.timedelta(hours=1)).next_update(now + dt.timedelta(days=7))
           .add_revoked_certificate(revoked).sign(pki.ca.key, hashes.SHA256()))
    return asn1_crl.CertificateList.load(crl.public_bytes(Encoding.DER))


def test_revoked_certificate_from_a_configured_crl(pki, signed_pdf):
    report = _verify(pki, signed_pdf, crls=[_crl_revoking(pki, pki.leader.cert)])
    assert report["ok"] is False and report["verdict_code"] == "revoked"
    assert report["verdict"] == "Chứng thư số đã bị thu hồi" and report["revocation_data"] is True
    # a CRL that revokes somebody else changes nothing
    assert _verify(pki, signed_pdf, crls=[_crl_revoking(pki, pki.organisation.cert)])["ok"] is True


def test_revocation_data_carried_in_the_document_dss(pki, signed_pdf):
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    out = io.BytesIO(signed_pdf)
    DocumentSecurityStore.add_dss(out, None, crls=[_crl_revoking(pki, pki.leader.cert)])
    report = _verify(pki, out.getvalue())
    assert report["verdict_code"] == "revoked" and report["revocation_data"] is True


def test_timestamp_with_pyhanko_dummy_tsa(pki, draft_pdf):
    parts = tsa_parts(pki)
    stamper = DummyTimeStamper(tsa_cert=parts.cert, tsa_key=parts.key)
    signed = pdfsign.sign_pdf(draft_pdf, p12_backend(pki), timestamper=stamper)
    [status] = pyhanko_statuses(signed, pki.ca_asn1)
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted and status.bottom_line
    report = _verify(pki, signed)
    assert report["ok"] and report["signatures"][0]["timestamp"]["trusted"] is True


class _TsaHandler(BaseHTTPRequestHandler):
    stamper: DummyTimeStamper

    def do_POST(self):  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        response = self.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_tsa(pki):
    parts = tsa_parts(pki)
    handler = type("Handler", (_TsaHandler,), {"stamper": DummyTimeStamper(tsa_cert=parts.cert, tsa_key=parts.key)})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    server.server_close()


def test_timestamp_from_a_real_http_tsa_on_loopback(pki, draft_pdf, http_tsa, settings):
    from congvu.signing import conf

    settings.CONGVU_TSA_URL = http_tsa
    stamper = conf.timestamper()
    assert isinstance(stamper, HTTPTimeStamper)
    signed = pdfsign.sign_pdf(draft_pdf, p12_backend(pki), timestamper=stamper)
    [status] = pyhanko_statuses(signed, pki.ca_asn1)
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    assert _verify(pki, signed)["signatures"][0]["timestamp"]["trusted"]


def test_unreachable_tsa_is_a_clear_error(pki, draft_pdf):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(SigningFailed, match="dấu thời gian"):
        pdfsign.sign_pdf(draft_pdf, p12_backend(pki), timestamper=HTTPTimeStamper(f"http://127.0.0.1:{port}/",
                                                                                 timeout=2))


def test_remote_backend_extension_point(pki, draft_pdf):
    from cryptography.hazmat.primitives.asymmetric import padding

    calls = []

    def remote_sign(data: bytes, digest: str) -> bytes:  # what a signing service would do on its side
        calls.append(digest)
        return pki.organisation.key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    chain = [pki.organisation.cert.public_bytes(pki_mod.serialization.Encoding.DER),
             pki.ca.cert.public_bytes(pki_mod.serialization.Encoding.DER)]
    signed = pdfsign.sign_pdf(draft_pdf, CallableRemoteBackend(chain=chain, sign=remote_sign))
    assert calls == ["sha256"]
    [status] = pyhanko_statuses(signed, pki.ca_asn1)
    assert status.bottom_line
    assert _verify(pki, signed)["ok"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0.0, max_value=0.999), value=st.integers(min_value=0, max_value=255))
def test_no_random_byte_change_inside_the_signed_range_verifies(pki, signed_pdf, position, value):
    start = signed_pdf.index(b"/Contents <")  # the signature's own hex is outside the signed range
    end = signed_pdf.index(b">", start)
    index = int(position * len(signed_pdf))
    if start <= index <= end or signed_pdf[index] == value:
        return
    data = bytearray(signed_pdf)
    data[index] = value
    assert _verify(pki, bytes(data))["ok"] is False


def test_certificate_valid_at_the_timestamped_signing_time_but_expired_now(draft_pdf):
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization as ser

    from congvu.signing.backends import Pkcs12Backend

    now = dt.datetime.now(dt.UTC)
    ca = pki_mod.make_ca(backdate_days=1000)
    old = pki_mod.issue(ca, "Chứng thư cũ", not_before=now - dt.timedelta(days=800),
                        not_after=now - dt.timedelta(days=400))
    tsa = pki_mod.issue(ca, "TSA", timestamping=True, not_before=now - dt.timedelta(days=900))

    def asn1(cert):
        return x509.Certificate.load(cert.public_bytes(ser.Encoding.DER))

    tsa_key = keys.PrivateKeyInfo.load(tsa.key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8,
                                                             ser.NoEncryption()))
    stamper = DummyTimeStamper(tsa_cert=asn1(tsa.cert), tsa_key=tsa_key, fixed_dt=now - dt.timedelta(days=500))
    backend = Pkcs12Backend(data=old.p12("x"), password="x")
    with_ts = pdfsign.sign_pdf(draft_pdf, backend, timestamper=stamper, check_certificate=False)
    report = verify_pdf(with_ts, trust_roots=[asn1(ca.cert)])
    assert report["ok"], report
    assert "Chứng thư số còn hiệu lực tại thời điểm ký (theo dấu thời gian)." in report["signatures"][0]["messages"]
    without_ts = pdfsign.sign_pdf(draft_pdf, backend, check_certificate=False)
    assert verify_pdf(without_ts, trust_roots=[asn1(ca.cert)])["verdict_code"] == "expired"
