"""The signing app plugged into the documents app (registered from ``SigningConfig.ready()``).

The documents app imports nothing of signing; it offers registries, and :func:`register` fills them:

* ``documents.pdfsteps.PDF_STEPS["approve"]`` ← :func:`approve` (the leader's signature),
  ``PDF_STEPS["issue"]`` ← :func:`issue` (number and date, then the organisation's signature);
* ``documents.pdfsteps.PROMPTS`` ← :func:`prompt` (password/PIN field, missing-credential notes);
* ``documents.verification.VERIFIERS`` ← :func:`file_check` (the stored verdict of each PDF version);
* ``documents.verification.FILE_HOOKS`` ← :func:`file_stored` (queue the check when a PDF is stored);
* ``signing.services.FILE_ACCESS`` ← :func:`file_visible` (a report of a document's file is visible to
  whoever may see the document, confidential rules included).

``CONGVU_REQUIRE_SIGNATURES`` (default on): a leader without a personal credential cannot approve and a
clerk cannot issue for an agency without one — a clear refusal naming what to do.  Off (a transition
period): approval and issuance proceed unsigned where a credential is missing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.org.selectors import staff_of

from . import services
from .models import Credential, VerificationReport

APPROVE = "congvu.signing.integration.approve"
ISSUE = "congvu.signing.integration.issue"


def _required() -> bool:
    return bool(getattr(settings, "CONGVU_REQUIRE_SIGNATURES", True))


def approve(*, pdf: bytes, actor, document, secret: str | None = None) -> bytes:
    """PDF step "approve": the approving leader's personal signature (see :func:`steps.approve_step`)."""
    from . import steps

    if not _required():
        staff = staff_of(actor)
        if staff is None or services.personal_credential(staff) is None:
            return pdf
    return steps.approve_step(pdf=pdf, actor=actor, document=document, secret=secret)


def issue(*, pdf: bytes, actor, document, secret: str | None = None) -> bytes:
    """PDF step "issue": number and date into the fields, then the organisation's signature."""
    from . import pdfsign, steps

    if not _required():
        signed = len(pdfsign.read_pdf(pdf).embedded_regular_signatures) > 0
        if not signed:
            return pdf  # approved unsigned: documents printed the number and date into the re-rendered PDF
        if services.organisation_credential(document.agency) is None:
            if pdfsign.has_issue_fields(pdf):  # number and date still written (form filling keeps the signature)
                dated = steps._date_prefix(pdf, document.agency) + steps.ngay_thang(document.issued_on)
                return pdfsign.fill_issue_fields(pdf, number_text=steps.number_text(document), date_text=dated)
            return pdf
    return steps.issue_step(pdf=pdf, actor=actor, document=document, secret=secret)


def _secret_label(credential: Credential) -> str:
    if credential.backend == Credential.Backend.PKCS11:
        return _("Mã PIN của thiết bị ký số")
    if credential.backend == Credential.Backend.REMOTE:
        return _("Mã xác thực của dịch vụ ký số")
    return _("Mật khẩu của tệp chữ ký số")


def needs_secret(credential: Credential | None) -> bool:
    """Whether signing with ``credential`` needs a password/PIN from the person (not demo ones in demo mode)."""
    return credential is not None and not (credential.is_demo and settings.CONGVU_SIGNING_DEMO)


def prompt(*, step: str, actor, document) -> dict | None:
    """What the approve/issue form shows: the credential used, a password/PIN field, or what is missing."""
    staff = staff_of(actor)
    if step == "approve":
        credential = services.personal_credential(staff) if staff is not None else None
        missing = _("Bạn chưa có chứng thư ký số cá nhân: hãy thêm tại trang Chữ ký số rồi duyệt và ký.")
    elif step == "issue":
        credential = services.organisation_credential(document.agency)
        missing = _("Cơ quan chưa có chứng thư ký số: văn thư hãy thêm chứng thư của cơ quan tại trang Chữ ký số "
                    "rồi ban hành.")
    else:
        return None
    if credential is None:
        if _required():
            return {"notes": [missing]}
        return {"notes": [_("Chưa có chứng thư ký số: văn bản sẽ không có chữ ký số ở bước này.")]}
    note = _("Ký số bằng chứng thư: %(label)s (%(name)s).") % {
        "label": credential.label, "name": credential.cert_common_name or credential.cert_subject}
    return {"secret": needs_secret(credential), "label": _secret_label(credential), "notes": [note]}


# --- verification of the documents' files ---------------------------------------------------------------


def latest_report(sha256: str) -> VerificationReport | None:
    """The newest shared report (not a personal upload of the verify page) of the file with this hash."""
    return (VerificationReport.objects.filter(sha256=sha256, uploaded_by__isnull=True)
            .order_by("-created_at", "-id").first())


def file_check(*, document_file, user) -> dict:
    """The stored verdict of a document's PDF (shown on the detail page; the page checks visibility)."""
    sha = document_file.file.sha256
    row = latest_report(sha)
    out = {"title": _("Chữ ký số"), "recheck_url": reverse("signing:recheck", args=[sha])}
    if row is None:
        out.update(ok=None, verdict=_("Chưa kiểm tra"), lines=[_("Kết quả kiểm tra sẽ có sau ít phút; "
                                                                 "có thể bấm “Kiểm tra lại”.")],
                   poll_url=reverse("signing:report", args=[sha]))  # the page fetches the report when ready
        return out
    lines = [f"{s.get('signer') or '—'}: {s.get('verdict', '')}" for s in row.report.get("signatures", [])]
    lines += [str(e) for e in row.report.get("errors", [])]
    lines.append(_("Kiểm tra lúc %(at)s") % {"at": timezone.localtime(row.created_at).strftime("%d/%m/%Y %H:%M")})
    out.update(ok=row.ok, verdict=row.verdict, lines=lines, url=reverse("signing:report", args=[sha]))
    return out


def file_stored(*, document_file) -> None:
    """A PDF was stored with a document (this runs after the commit): check its signatures in the background.

    The task payload is ids only (file, agency) — never a secret, never file content."""
    from .tasks import slow_verify_stored_file

    slow_verify_stored_file.delay(document_file.file_id, document_file.document.agency_id, None,
                                  document_file.name)


def file_visible(user, sha256: str) -> bool:
    """Whether ``user`` may see a document holding the file with this hash (documents' visibility rules;
    an incoming document recalled by its sender no longer gives access to its files)."""
    from congvu.documents.models import Direction, Document, DocumentFile
    from congvu.documents.selectors import visible_documents

    docs = visible_documents(user).exclude(direction=Direction.INCOMING, status=Document.Status.RECALLED)
    return DocumentFile.objects.filter(file__sha256=sha256, document__in=docs.values("pk")).exists()


def register() -> None:
    """Fill the documents' registries (idempotent; a no-op when documents is not installed)."""
    from django.apps import apps

    if not apps.is_installed("congvu.documents"):
        return
    from congvu.documents import pdfsteps, verification

    for step, dotted in (("approve", APPROVE), ("issue", ISSUE)):
        if dotted not in pdfsteps.PDF_STEPS.setdefault(step, []):
            pdfsteps.PDF_STEPS[step].append(dotted)
    for registry, dotted in ((pdfsteps.PROMPTS, "congvu.signing.integration.prompt"),
                             (verification.VERIFIERS, "congvu.signing.integration.file_check"),
                             (verification.FILE_HOOKS, "congvu.signing.integration.file_stored"),
                             (services.FILE_ACCESS, "congvu.signing.integration.file_visible")):
        if dotted not in registry:
            registry.append(dotted)
