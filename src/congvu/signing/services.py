"""Writes of the signing app: credentials, signing with a credential, verification reports.

Every write is one transaction with an audit event.  Passwords and PINs are parameters only:
they are used in memory to open the key and are never written to the audit log, the database or
a log line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import Forbidden, NotFound, ValidationFailed
from congvu.core.files import store_bytes
from congvu.core.text import normalize
from congvu.org import selectors as org_selectors
from congvu.org.models import Agency, Role, Staff

from . import conf
from .backends import (
    CallableRemoteBackend,
    Pkcs11Backend,
    Pkcs12Backend,
    SigningBackend,
    check_usable,
    describe_certificate,
)
from .errors import SigningFailed
from .models import Credential, VerificationReport
from .verify import verify_pdf

P12_TYPES = {"application/octet-stream", "text/plain", "application/x-pkcs12"}
IMAGE_TYPES = {"image/png", "image/jpeg"}
MAX_P12 = 64 * 1024
MAX_IMAGE = 2 * 1024 * 1024
MAX_PDF = 50 * 1024 * 1024

# Remote signing services by name (``Credential.remote_service``): name → factory(credential, secret)
# returning a RemoteBackend.  Integrations register themselves here; tests register a callable one.
REMOTE_SERVICES: dict[str, object] = {}

# Who else may read a stored (non-personal) report: callables ``f(user, sha256) -> bool``, e.g. "the file
# belongs to a document the user may see" (registered by integration.register when documents is installed).
FILE_ACCESS: list[str] = []


# --- permissions --------------------------------------------------------------------------------------
def can_manage(user, *, agency: Agency, staff: Staff | None) -> bool:
    """A person manages their own personal credentials; the agency's clerk (văn thư) or its
    administrators manage the organisation's; superusers everything."""
    if getattr(user, "is_superuser", False):
        return True
    me = org_selectors.staff_of(user)
    if me is None:
        return False
    if staff is not None:
        return staff.pk == me.pk
    roles = user.role_codes()
    if Role.QUAN_TRI in roles:
        visible = org_selectors.visible_agency_ids(user)
        return visible is None or agency.pk in visible
    return Role.VAN_THU in roles and me.agency_id == agency.pk


def _require_manage(user, *, agency: Agency, staff: Staff | None) -> None:
    if not can_manage(user, agency=agency, staff=staff):
        raise Forbidden(_("Bạn không có quyền quản lý chứng thư ký số này."))


def _label(label: str) -> str:
    text = normalize(label or "").strip()
    if not text:
        raise ValidationFailed(_("Cần đặt tên gọi cho chứng thư."), field="label")
    if len(text) > 120:
        raise ValidationFailed(_("Tên gọi tối đa 120 ký tự."), field="label")
    return text


def _store_image(image: bytes | None):
    if not image:
        return None
    return store_bytes(image, max_bytes=MAX_IMAGE, allowed_types=IMAGE_TYPES)


def _apply_cert(credential: Credential, backend: SigningBackend) -> None:
    cert = backend.certificate()
    check_usable(cert)
    info = describe_certificate(cert)
    credential.cert_subject = info["subject"][:500]
    credential.cert_common_name = str(info["common_name"])[:200]
    credential.cert_email = str(info["email"])[:200]
    credential.cert_issuer = info["issuer"][:500]
    credential.cert_serial = info["serial"][:80]
    credential.cert_not_before = info["not_before"]
    credential.cert_not_after = info["not_after"]


def _created(actor, credential: Credential) -> Credential:
    audit.record(action="signing.credential_create", actor=actor, obj=credential, agency_id=credential.agency_id,
                 changes={"label": credential.label, "backend": credential.backend,
                          "owner": credential.staff_id or "agency", "cert_subject": credential.cert_subject,
                          "cert_serial": credential.cert_serial,
                          "cert_not_after": credential.cert_not_after})
    return credential


@transaction.atomic
def credential_add_pkcs12(*, actor, agency: Agency, staff: Staff | None, label: str, p12: bytes, password: str,
                          image: bytes | None = None, is_demo: bool = False) -> Credential:
    """Register a PKCS#12 file.  The password only opens it here to read and check the certificate."""
    if actor is not None:
        _require_manage(actor, agency=agency, staff=staff)
    if staff is not None and staff.agency_id != agency.pk:
        raise ValidationFailed(_("Cán bộ không thuộc cơ quan này."), field="staff")
    if not p12 or len(p12) > MAX_P12:
        raise ValidationFailed(_("Tệp PKCS#12 rỗng hoặc quá lớn."), field="p12")
    credential = Credential(agency=agency, staff=staff, label=_label(label), backend=Credential.Backend.PKCS12,
                            is_demo=is_demo, created_by=actor if getattr(actor, "pk", None) else None)
    _apply_cert(credential, Pkcs12Backend(data=p12, password=password))
    credential.p12_file = store_bytes(p12, max_bytes=MAX_P12, allowed_types=P12_TYPES)
    credential.image = _store_image(image)
    credential.save()
    return _created(actor, credential)


def allowed_pkcs11_modules() -> list[str]:
    import os

    return [m for m in settings.CONGVU_PKCS11_MODULES if os.path.exists(m)]


@transaction.atomic
def credential_add_pkcs11(*, actor, agency: Agency, staff: Staff | None, label: str, module: str,
                          token_label: str, key_label: str, pin: str, image: bytes | None = None) -> Credential:
    """Register a key on a PKCS#11 token.  The PIN logs in once to read the certificate, then is dropped."""
    if actor is not None:
        _require_manage(actor, agency=agency, staff=staff)
    if module not in settings.CONGVU_PKCS11_MODULES:
        raise ValidationFailed(_("Thư viện PKCS#11 không nằm trong danh sách được phép."), field="module")
    token_label, key_label = (normalize(v or "").strip() for v in (token_label, key_label))
    if not token_label or not key_label or len(token_label) > 32 or len(key_label) > 64:
        raise ValidationFailed(_("Cần nhãn thiết bị (tối đa 32 ký tự) và nhãn khóa."), field="token_label")
    credential = Credential(agency=agency, staff=staff, label=_label(label), backend=Credential.Backend.PKCS11,
                            pkcs11_module=module, token_label=token_label, key_label=key_label,
                            created_by=actor if getattr(actor, "pk", None) else None)
    _apply_cert(credential, Pkcs11Backend(module=module, token_label=token_label, key_label=key_label, pin=pin))
    credential.image = _store_image(image)
    credential.save()
    return _created(actor, credential)


@transaction.atomic
def credential_add_remote(*, actor, agency: Agency, staff: Staff | None, label: str, service: str,
                          secret: str | None = None) -> Credential:
    if actor is not None:
        _require_manage(actor, agency=agency, staff=staff)
    if service not in REMOTE_SERVICES:
        raise ValidationFailed(_("Không có dịch vụ ký từ xa này."), field="service")
    credential = Credential(agency=agency, staff=staff, label=_label(label), backend=Credential.Backend.REMOTE,
                            remote_service=service, created_by=actor if getattr(actor, "pk", None) else None)
    _apply_cert(credential, REMOTE_SERVICES[service](credential, secret))
    credential.save()
    return _created(actor, credential)


@transaction.atomic
def credential_deactivate(*, actor, credential: Credential) -> Credential:
    _require_manage(actor, agency=credential.agency, staff=credential.staff)
    if credential.is_active:
        credential.is_active = False
        credential.save(update_fields=["is_active"])
        audit.record(action="signing.credential_deactivate", actor=actor, obj=credential,
                     agency_id=credential.agency_id, from_state="active", to_state="inactive")
    return credential


@transaction.atomic
def credential_set_image(*, actor, credential: Credential, image: bytes) -> Credential:
    _require_manage(actor, agency=credential.agency, staff=credential.staff)
    stored = _store_image(image)
    if stored is None:
        raise ValidationFailed(_("Chưa chọn ảnh."), field="image")
    before = credential.image_id
    credential.image = stored
    credential.save(update_fields=["image"])
    audit.record(action="signing.credential_image", actor=actor, obj=credential, agency_id=credential.agency_id,
                 changes={"image": [before, stored.pk]})
    return credential


# --- using a credential -------------------------------------------------------------------------------
def backend_for(credential: Credential, secret: str | None) -> SigningBackend:
    """The back-end of ``credential`` unlocked with ``secret`` (password/PIN), in memory only."""
    if not credential.is_active:
        raise SigningFailed(_("Chứng thư ký số này đã ngừng sử dụng."), code="inactive_credential")
    if secret is None and credential.is_demo and settings.CONGVU_SIGNING_DEMO:
        from .pki import DEFAULT_PASSWORD

        secret = DEFAULT_PASSWORD  # the public password of the demo PKI, never a real one
    if credential.backend == Credential.Backend.PKCS12:
        if secret is None:
            raise SigningFailed(_("Cần mật khẩu của tệp PKCS#12 để ký."), code="secret_required")
        return Pkcs12Backend(data=credential.p12_file.read(), password=secret)
    if credential.backend == Credential.Backend.PKCS11:
        if credential.pkcs11_module not in settings.CONGVU_PKCS11_MODULES:
            raise SigningFailed(_("Thư viện PKCS#11 không nằm trong danh sách được phép."), code="module_denied")
        return Pkcs11Backend(module=credential.pkcs11_module, token_label=credential.token_label,
                             key_label=credential.key_label, pin=secret)
    factory = REMOTE_SERVICES.get(credential.remote_service)
    if factory is None:
        raise SigningFailed(_("Dịch vụ ký từ xa không còn được cấu hình."), code="no_remote_service")
    return factory(credential, secret)


def register_remote_service(name: str, factory) -> None:
    """``factory(credential, secret) -> RemoteBackend``; e.g. a CA's cloud-signing client."""
    REMOTE_SERVICES[name] = factory


def callable_remote_factory(chain, sign):
    """A factory for :data:`REMOTE_SERVICES` made of a certificate chain and a signing function."""
    return lambda credential, secret: CallableRemoteBackend(chain=chain, sign=sign)


def personal_credential(staff: Staff) -> Credential | None:
    return (Credential.objects.filter(staff=staff, is_active=True).select_related("p12_file", "image")
            .order_by("-created_at").first())


def organisation_credential(agency: Agency) -> Credential | None:
    return (Credential.objects.filter(agency=agency, staff__isnull=True, is_active=True)
            .select_related("p12_file", "image").order_by("-created_at").first())


# --- verification -------------------------------------------------------------------------------------
@transaction.atomic
def verify_and_store(*, actor, data: bytes, file_name: str = "") -> VerificationReport:
    """Verify a PDF's signatures, keep the file and the report; returns the report row."""
    if not data:
        raise ValidationFailed(_("Tệp rỗng."), field="file", code="empty_file")
    if len(data) > MAX_PDF:
        from congvu.core.errors import TooLarge

        raise TooLarge(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_PDF // (1024 * 1024)})
    if not data.startswith(b"%PDF-"):
        from congvu.core.errors import UnsupportedType

        raise UnsupportedType(_("Tệp không phải PDF."))
    stored = store_bytes(data, max_bytes=MAX_PDF, allowed_types={"application/pdf"})
    return verify_stored(actor=actor, stored=stored, file_name=file_name)


@transaction.atomic
def verify_stored(*, actor, stored, agency: Agency | None = None, file_name: str = "",
                  personal: bool = True) -> VerificationReport:
    """Verify a file already in the store and keep the report for ``agency``.

    ``personal``: a file the actor uploaded on the verify page (the report is theirs only).  A report of a
    document's file is not personal (``uploaded_by`` stays empty): whoever may see a document holding the
    file reads it (:data:`FILE_ACCESS`).  The documents integration queues ``tasks.slow_verify_stored_file``
    on commit when a PDF is stored; the report page ``signing:report`` (``sha256``) then shows the result.
    """
    result = verify_pdf(stored.read(), trust_roots=conf.trust_roots(), crls=conf.crls())
    if agency is None:
        staff = org_selectors.staff_of(actor)
        agency = staff.agency if staff else None
    row = VerificationReport.objects.create(
        file=stored, sha256=stored.sha256, file_name=normalize(file_name or "")[:255], agency=agency,
        uploaded_by=actor if personal and getattr(actor, "pk", None) else None, ok=result["ok"],
        verdict_code=result["verdict_code"], verdict=result["verdict"], signature_count=len(result["signatures"]),
        report=result)
    audit.record(action="signing.verify", actor=actor, obj=row, agency_id=row.agency_id,
                 changes={"sha256": row.sha256, "verdict": row.verdict_code})
    return row


def file_accessible(user, sha256: str) -> bool:
    """Whether a registered rule (:data:`FILE_ACCESS`) lets ``user`` see the file with this hash."""
    from importlib import import_module

    for dotted in FILE_ACCESS:
        module_name, func_name = dotted.rsplit(".", 1)
        if getattr(import_module(module_name), func_name)(user, sha256):
            return True
    return False


def visible_reports(user):
    """The reports the user uploaded on the verify page (other reports: see :func:`report_for`)."""
    if not getattr(user, "is_authenticated", False):
        return VerificationReport.objects.none()
    return VerificationReport.objects.select_related("file", "agency").filter(uploaded_by=user)


def _sha(sha256: str) -> str:
    sha = (sha256 or "").strip().lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise NotFound(_("Không tìm thấy."))
    return sha


def report_for(user, sha256: str) -> VerificationReport:
    """The newest report of the file with this SHA-256 that ``user`` may read, else NotFound.

    Readable: the user's own uploads on the verify page, and the shared report of a file that belongs to
    something the user may see (a document's PDF: documents' visibility, confidential rules included).
    Nothing else — not an administrator, not a superuser, not a colleague's upload."""
    sha = _sha(sha256)
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("Không tìm thấy."))
    base = VerificationReport.objects.select_related("file", "agency").filter(sha256=sha)
    row = None
    if file_accessible(user, sha):
        row = base.filter(uploaded_by__isnull=True).order_by("-created_at", "-id").first()
    if row is None:
        row = base.filter(uploaded_by=user).order_by("-created_at", "-id").first()
    if row is None:
        raise NotFound(_("Không tìm thấy."))
    return row


def recheck(*, actor, sha256: str) -> VerificationReport:
    """Verify again a file the actor may see (with today's trust roots and revocation data)."""
    from congvu.core.models import StoredFile

    sha = _sha(sha256)
    shared = file_accessible(actor, sha)
    if not shared and not VerificationReport.objects.filter(sha256=sha, uploaded_by=actor).exists():
        raise NotFound(_("Không tìm thấy."))
    stored = StoredFile.objects.filter(sha256=sha).first()
    if stored is None:
        raise NotFound(_("Không tìm thấy."))
    staff = org_selectors.staff_of(actor)
    last = VerificationReport.objects.filter(sha256=sha).order_by("-created_at", "-id").first()
    return verify_stored(actor=actor, stored=stored, agency=staff.agency if staff else None,
                         file_name=last.file_name if last else "", personal=not shared)
