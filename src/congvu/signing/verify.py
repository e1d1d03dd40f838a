"""Verifying the signatures of a PDF with pyHanko; a Vietnamese verdict and a JSON report (no Django).

For each signature: integrity (the signed bytes' digest and the signature value), coverage (whole
file, or later incremental updates — judged by pyHanko's difference analysis: a later signature,
filling the issue fields or adding validation data is allowed; changed content is not), the chain
to the trust roots, the certificate's validity at signing time (the timestamp's time when a
trusted RFC 3161 timestamp is present, else now), key usage, and revocation data when present
(the document's DSS, CRLs/OCSP responses given by the caller).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import _sync
from .errors import BadPdf
from .pdfsign import read_pdf

VERDICTS = {
    "valid": "Chữ ký hợp lệ",
    "tampered": "Văn bản đã bị sửa sau khi ký (dữ liệu đã ký bị thay đổi)",
    "modified": "Văn bản đã bị sửa sau khi ký",
    "untrusted": "Chứng thư số không được tin cậy",
    "expired": "Chứng thư số đã hết hạn",
    "not_yet_valid": "Chứng thư số chưa có hiệu lực",
    "revoked": "Chứng thư số đã bị thu hồi",
    "key_usage": "Chứng thư số không dùng để ký số",
    "timestamp_invalid": "Dấu thời gian không hợp lệ",
    "invalid": "Chữ ký không hợp lệ",
    "no_signatures": "Văn bản không có chữ ký số",
    "bad_pdf": "Tệp không phải PDF hợp lệ (hỏng hoặc không đầy đủ)",
    "not_pdf": "Tệp không phải PDF",
    "encrypted_pdf": "Tệp PDF được mã hóa, không kiểm tra được chữ ký",
}
# When several signatures fail, the document's verdict is the most serious one.
SEVERITY = ["tampered", "modified", "invalid", "revoked", "untrusted", "key_usage", "expired", "not_yet_valid",
            "timestamp_invalid", "valid"]
SIGNING_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                        match_all_key_usages=False)


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or several) or DER bytes; ValueError when none."""
    certs = []
    if pem.detect(data):
        for type_name, _headers, der in pem.unarmor(data, multiple=True):
            if type_name == "CERTIFICATE":
                certs.append(asn1_x509.Certificate.load(der))
    else:
        cert = asn1_x509.Certificate.load(data)
        _ = cert.subject  # force parsing
        certs.append(cert)
    if not certs:
        raise ValueError("no certificate")
    return certs


# Fields Công Vụ writes, as a clerk would name them.
FIELD_LABELS = {"CongVu_NguoiKy": "chữ ký của người có thẩm quyền", "CongVu_CoQuan": "chữ ký số của cơ quan",
                "CongVu_SoKyHieu": "số, ký hiệu", "CongVu_NgayBanHanh": "ngày ban hành",
                "CongVu_ChuKy": "chữ ký số"}


def _field_label(name: str) -> str:
    base = name.rsplit("_", 1)[0] if name.rsplit("_", 1)[-1].isdigit() else name
    return FIELD_LABELS.get(base, f"ô “{name}”")


def _display(value: dt.datetime | None) -> str:
    return value.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def _iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat() if value else ""


def _signer_name(cert: asn1_x509.Certificate | None) -> str:
    if cert is None:
        return ""
    native = cert.subject.native
    name = native.get("common_name") or native.get("organization_name") or cert.subject.human_friendly
    return name if isinstance(name, str) else ", ".join(name)


def _context(trust_roots, crls, ocsps, moment=None) -> ValidationContext:
    return ValidationContext(trust_roots=list(trust_roots), crls=list(crls), ocsps=list(ocsps), allow_fetching=False,
                             revocation_mode="soft-fail", moment=moment)


def verify_pdf(pdf: bytes, *, trust_roots: list[asn1_x509.Certificate], crls: list[asn1_crl.CertificateList] = (),
               ocsps: list = ()) -> dict[str, Any]:
    """The verification report of ``pdf`` (never raises for bad input: the report says what is wrong)."""
    report: dict[str, Any] = {
        "ok": False, "verdict_code": "", "verdict": "", "sha256": hashlib.sha256(pdf).hexdigest(),
        "size": len(pdf), "checked_at": _iso(dt.datetime.now(dt.UTC)), "signatures": [], "errors": [],
    }
    try:
        reader = read_pdf(pdf)
        signatures = list(reader.embedded_regular_signatures)
    except BadPdf as exc:
        return _finish(report, exc.code if exc.code in VERDICTS else "bad_pdf", errors=[str(exc)])
    except Exception:  # noqa: BLE001 - a parser error deep in the file
        return _finish(report, "bad_pdf", errors=[VERDICTS["bad_pdf"]])
    if not signatures:
        return _finish(report, "no_signatures")
    dss_crls, dss_ocsps = _dss(reader)
    all_crls, all_ocsps = list(crls) + dss_crls, list(ocsps) + dss_ocsps
    try:
        revisions = reader.xrefs.total_revisions
    except Exception:  # noqa: BLE001
        revisions = None
    for sig in signatures:
        entry = _check(sig, trust_roots, all_crls, all_ocsps)
        if revisions is not None and entry.get("coverage") == "ENTIRE_REVISION" and \
                sig.signed_revision == revisions - 1 and entry["verdict_code"] == "valid":
            # Bytes after the last signed revision that are no revision at all: unexplained data.
            entry.update(modified_after_signing=True, verdict_code="modified", verdict=VERDICTS["modified"])
            entry["messages"] = [VERDICTS["modified"] + ".", "Có dữ liệu lạ được nối vào cuối tệp sau khi ký."]
        report["signatures"].append(entry)
    report["revocation_data"] = bool(all_crls or all_ocsps)
    codes = [s["verdict_code"] for s in report["signatures"]]
    worst = min(codes, key=lambda c: SEVERITY.index(c) if c in SEVERITY else 0)
    return _finish(report, worst)


def _finish(report: dict, code: str, errors: list[str] | None = None) -> dict:
    report["verdict_code"] = code
    report["ok"] = code == "valid"
    n = len(report["signatures"])
    report["verdict"] = VERDICTS[code] + (f" ({n} chữ ký)" if code == "valid" and n > 1 else "")
    report["errors"] = list(errors or [])
    return report


def _dss(reader) -> tuple[list, list]:
    """CRLs and OCSP responses kept in the document's security store (DSS), if any."""
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
        crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
        ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps]
    except Exception:  # noqa: BLE001 - no DSS (NoDSSFoundError) or a broken one
        return [], []
    return crls, ocsps


def _check(sig, trust_roots, crls, ocsps) -> dict[str, Any]:
    entry: dict[str, Any] = {"field": sig.field_name, "signer": "", "intact": False, "valid": False,
                             "trusted": False, "covers_whole_document": False, "modified_after_signing": True,
                             "signed_at": "", "messages": []}
    messages: list[str] = entry["messages"]
    try:
        cert = sig.signer_cert
    except Exception:  # noqa: BLE001 - no or broken certificate in the CMS
        cert = None
    entry["signer"] = _signer_name(cert)
    if cert is not None:
        entry["certificate"] = {
            "subject": cert.subject.human_friendly, "issuer": cert.issuer.human_friendly,
            "serial": format(cert.serial_number, "x"),
            "not_before": _iso(cert.not_valid_before), "not_after": _iso(cert.not_valid_after),
        }
    try:
        status = _sync.call(validate_pdf_signature, sig, _context(trust_roots, crls, ocsps),
                            key_usage_settings=SIGNING_KEY_USAGE)
    except Exception as exc:  # noqa: BLE001 - a malformed signature is an invalid one
        messages.append(f"Không đọc được chữ ký: {type(exc).__name__}")
        entry["verdict_code"], entry["verdict"] = "invalid", VERDICTS["invalid"]
        return entry
    ts_time = None
    if status.timestamp_validity is not None:
        ts = status.timestamp_validity
        ts_ok = ts.intact and ts.valid and ts.trusted
        entry["timestamp"] = {"time": _iso(ts.timestamp), "trusted": bool(ts_ok), "tsa": _signer_name(ts.signing_cert)}
        if ts_ok:
            ts_time = ts.timestamp
            messages.append("Có dấu thời gian tin cậy: {}.".format(ts.timestamp.astimezone(
                dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y %H:%M:%S")))
        else:
            messages.append("Dấu thời gian không hợp lệ hoặc không được tin cậy.")
    signed_at = ts_time or status.signer_reported_dt
    entry["signed_at"] = _iso(signed_at)
    entry["signed_at_text"] = _display(signed_at)
    # Validity at signing time: with a trusted timestamp, validate the chain at that moment.
    indic = status.trust_problem_indic
    if ts_time is not None and indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                                         AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED):
        with contextlib.suppress(Exception):  # keep the first result when the re-check itself fails
            status = _sync.call(validate_pdf_signature, sig, _context(trust_roots, crls, ocsps, moment=ts_time),
                                            key_usage_settings=SIGNING_KEY_USAGE)
            indic = status.trust_problem_indic
            if status.trusted:
                messages.append("Chứng thư số còn hiệu lực tại thời điểm ký (theo dấu thời gian).")
    entry["intact"] = bool(status.intact)
    entry["valid"] = bool(status.valid)
    entry["trusted"] = bool(status.trusted)
    coverage = status.coverage
    level = status.modification_level
    entry["coverage"] = coverage.name if coverage is not None else ""
    entry["modification_level"] = level.name if level is not None else ""
    entry["covers_whole_document"] = coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not (
        coverage == SignatureCoverageLevel.ENTIRE_FILE
        or (coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
            and level != ModificationLevel.OTHER and status.docmdp_ok is not False)
    )
    entry["modified_after_signing"] = modified
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION and not modified:
        changed = sorted(getattr(status.diff_result, "changed_form_fields", set()) or [])
        what = ", ".join(dict.fromkeys(_field_label(n) for n in changed)) if changed else "dữ liệu kiểm tra chữ ký"
        messages.append(f"Có cập nhật hợp lệ sau khi ký: {what}.")
    if status.revocation_details is not None:
        messages.append("Chứng thư số đã bị thu hồi ngày {}.".format(status.revocation_details.revocation_date.strftime(
            "%d/%m/%Y")))
    if crls or ocsps:
        messages.append("Đã đối chiếu dữ liệu thu hồi chứng thư (CRL/OCSP) có sẵn.")
    code = _code(status, indic, modified, cert, signed_at)
    entry["verdict_code"], entry["verdict"] = code, VERDICTS[code]
    if code != "valid":
        messages.insert(0, VERDICTS[code] + ".")
    return entry


def _code(status, indic, modified: bool, cert, signed_at) -> str:
    if not status.intact:
        return "tampered"
    if not status.valid:
        if indic in (AdESIndeterminate.SIG_CONSTRAINTS_FAILURE,) or _lacks_signing_usage(cert):
            return "key_usage"
        return "invalid"
    if modified:
        return "modified"
    if status.revocation_details is not None or indic in (AdESIndeterminate.REVOKED_NO_POE,
                                                          AdESIndeterminate.REVOKED_CA_NO_POE):
        return "revoked"
    if _lacks_signing_usage(cert):
        return "key_usage"
    if not status.trusted:
        if indic == AdESIndeterminate.NOT_YET_VALID or (cert is not None and signed_at is not None
                                                        and cert.not_valid_before > signed_at):
            return "not_yet_valid"
        if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                     AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED):
            return "expired"
        if cert is not None and cert.not_valid_after < dt.datetime.now(dt.UTC):
            return "expired"
        if cert is not None and cert.not_valid_before > dt.datetime.now(dt.UTC):
            return "not_yet_valid"
        return "untrusted"
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        return "timestamp_invalid"
    return "valid"


def _lacks_signing_usage(cert) -> bool:
    if cert is None:
        return False
    usage = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
    return not usage & {"digital_signature", "non_repudiation"}


def cli_view(report: dict) -> dict:
    """The machine-readable shape promised by ``congvu pdf verify --json``."""
    keys = ("signer", "intact", "trusted", "covers_whole_document", "modified_after_signing", "signed_at",
            "messages")
    out = {"ok": report["ok"], "signatures": [{k: s.get(k) for k in keys} for s in report["signatures"]]}
    out["verdict"] = report["verdict"]
    if report.get("errors"):
        out["errors"] = report["errors"]
    return out
