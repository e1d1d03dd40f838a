"""The seam with the documents app: sign at approval, number/date + organisation signature at issuance.

The documents app calls, from its approval and issuance services::

    from congvu.signing.steps import approve_step, issue_step, unlocked

    with unlocked(pin_from_the_form):          # or approve_step(..., secret=pin)
        signed = approve_step(pdf=draft_pdf, actor=request.user, document=doc)
    ...
    with unlocked(pin_of_the_agency_key):
        issued = issue_step(pdf=signed, actor=request.user, document=doc)

``document`` is duck-typed: ``.agency`` (org.Agency), ``.number`` (int | None), ``.symbol`` (str),
``.issued_on`` (date | None), ``.signer`` (org.Staff | None), ``.subject``.  Both functions return
new PDF bytes (the input plus incremental updates) and raise a DomainError with a Vietnamese message
(SigningFailed, Forbidden, ValidationFailed) on refusal; nothing is written then.  Each records an
audit event (on ``document`` when it is a model instance, else on the credential).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core import audit
from congvu.core.errors import Forbidden, ValidationFailed
from congvu.core.text import fold
from congvu.org import selectors as org_selectors
from congvu.org.models import Role

from . import appearance, conf, layout, pdfsign, services
from .errors import SigningFailed
from .models import Credential

# Text written into the signed document itself is part of a Vietnamese legal document: it is never
# translated into the signer's interface language.
LEGAL_TEXT = {"approve": "Phê duyệt: %(s)s", "issue": "Ban hành văn bản %(n)s"}

_SECRET: contextvars.ContextVar[str | None] = contextvars.ContextVar("congvu_signing_secret", default=None)

APPROVER_FIELD = "CongVu_NguoiKy"
ORGANISATION_FIELD = "CongVu_CoQuan"
SEAL_DIAMETER = 105.0  # ~37 mm, the usual size of an agency seal


@contextlib.contextmanager
def unlocked(secret: str | None):
    """Provide the password/PIN for the signing calls inside the block (memory only)."""
    token = _SECRET.set(secret)
    try:
        yield
    finally:
        _SECRET.reset(token)


def ngay_thang(day: dt.date) -> str:
    """Decree 30 date form: day zero-padded below 10, month zero-padded for January and February."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def number_text(document) -> str:
    number = document.number
    return f"Số: {number:02d}/{document.symbol}" if document.symbol else f"Số: {number:02d}"


def _audit(action: str, actor, document, credential: Credential, extra: dict) -> None:
    obj = document if isinstance(document, models.Model) and document.pk else credential
    audit.record(action=action, actor=actor, obj=obj, agency_id=document.agency.pk,
                 changes={"credential": credential.pk, "cert_serial": credential.cert_serial, **extra})


def _image(credential: Credential) -> bytes | None:
    return credential.image.read() if credential.image_id else None


def _signatures(pdf: bytes) -> int:
    return len(pdfsign.read_pdf(pdf).embedded_regular_signatures)


def approve_step(*, pdf: bytes, actor, document, secret: str | None = None) -> bytes:
    """The leader's personal signature, its image centred in the signature block (box 7c).

    Before signing, empty read-only fields are added over the "Số:" and date lines so that
    :func:`issue_step` can later fill them as an update the signature allows.
    """
    staff = org_selectors.staff_of(actor)
    if staff is None or staff.agency_id != document.agency.pk:
        raise Forbidden(_("Chỉ lãnh đạo của cơ quan ban hành mới ký duyệt văn bản này."))
    if document.signer is not None and document.signer.pk != staff.pk:
        raise Forbidden(_("Văn bản này do %(name)s ký.") % {"name": document.signer.full_name})
    if document.signer is None and not actor.role_codes() & {Role.LANH_DAO, Role.LANH_DAO_DON_VI}:
        raise Forbidden(_("Chỉ lãnh đạo mới ký duyệt văn bản."))
    credential = services.personal_credential(staff)
    if credential is None:
        raise SigningFailed(_("Bạn chưa có chứng thư ký số cá nhân. Hãy thêm tại trang Chữ ký số."),
                            code="no_credential")
    backend = services.backend_for(credential, secret if secret is not None else _SECRET.get())
    if _signatures(pdf) == 0:
        number, date = layout.number_date_places(pdf, number_fallback=conf.fallback("CONGVU_SIGNING_NUMBER_BOX"),
                                                 date_fallback=conf.fallback("CONGVU_SIGNING_DATE_BOX"))
        pdf = pdfsign.add_issue_fields(pdf, number=number, date=date)
    place = layout.signature_place(pdf, staff.full_name, fallback=conf.fallback("CONGVU_SIGNING_SIGNATURE_BOX"))
    x1, y1, x2, y2 = place.box
    look = appearance.signature_appearance(width=x2 - x1, height=y2 - y1, image=_image(credential),
                                           name=staff.full_name)
    signed = pdfsign.sign_pdf(
        pdf, backend, field_name=APPROVER_FIELD, reason=LEGAL_TEXT["approve"] % {"s": str(document.subject)[:200]},
        location=document.agency.place_name or None, contact_info=staff.user.email or None,
        visible=pdfsign.Visible(place.page, place.box, look), timestamper=conf.timestamper())
    _audit("signing.approve", actor, document, credential, {"page": place.page + 1, "block_found": place.found})
    return signed


def _date_prefix(pdf: bytes, agency) -> str:
    """"Hải Phòng, " — the place written before "ngày" in the draft, else the agency's place name."""
    line = layout.find_date_line(layout.text_lines(pdf, [0]))
    if line is not None:
        folded = fold(line.text)
        cut = folded.find("ngay")
        if cut > 0:
            return line.text[:cut].rstrip() + " "
    return f"{agency.place_name}, " if agency.place_name else ""


def _approver_box(pdf: bytes) -> layout.Place | None:
    """Where the person's visible signature is (the last signature widget with a size)."""
    reader = pdfsign.read_pdf(pdf)
    pages = [ref.idnum for ref in _page_refs(reader)]
    found = None
    for sig in reader.embedded_regular_signatures:
        field = sig.sig_field
        try:
            rect = [float(v) for v in field["/Rect"]]
        except (KeyError, TypeError, ValueError):
            continue
        if rect[2] - rect[0] < 5 or rect[3] - rect[1] < 5:
            continue
        page_ref = field.raw_get("/P") if "/P" in field else None
        idnum = getattr(page_ref, "idnum", None)
        page = pages.index(idnum) if idnum in pages else -1
        found = layout.Place(page=page, box=tuple(rect))
    return found


def _page_refs(reader) -> list:
    refs = []
    count = int(reader.root["/Pages"]["/Count"])
    for i in range(count):
        refs.append(reader.find_page_for_modification(i)[0])
    return refs


def issue_step(*, pdf: bytes, actor, document, secret: str | None = None) -> bytes:
    """Write the issued number/symbol and date, then add the organisation's signature (seal image,
    organisation name, e-mail and signing time) over the left third of the person's signature."""
    staff = org_selectors.staff_of(actor)
    if not getattr(actor, "is_superuser", False) and (
            staff is None or staff.agency_id != document.agency.pk or Role.VAN_THU not in actor.role_codes()):
        raise Forbidden(_("Chỉ văn thư của cơ quan ban hành mới ký số cơ quan và phát hành văn bản."))
    if not document.number or not document.issued_on:
        raise ValidationFailed(_("Văn bản chưa được cấp số và ngày ban hành."), code="not_numbered")
    if _signatures(pdf) == 0:
        raise SigningFailed(_("Văn bản chưa có chữ ký của người có thẩm quyền: không thể ký số cơ quan."),
                            code="not_signed")
    credential = services.organisation_credential(document.agency)
    if credential is None:
        raise SigningFailed(_("Cơ quan chưa có chứng thư ký số. Văn thư hãy thêm tại trang Chữ ký số."),
                            code="no_credential")
    backend = services.backend_for(credential, secret if secret is not None else _SECRET.get())
    numbered = number_text(document)
    dated = _date_prefix(pdf, document.agency) + ngay_thang(document.issued_on)
    in_fields = pdfsign.has_issue_fields(pdf)
    if in_fields:
        pdf = pdfsign.fill_issue_fields(pdf, number_text=numbered, date_text=dated)
    signer_place = _approver_box(pdf)
    if signer_place is None or signer_place.page < 0:
        name = document.signer.full_name if document.signer is not None else ""
        signer_place = layout.signature_place(pdf, name, fallback=conf.fallback("CONGVU_SIGNING_SIGNATURE_BOX"))
    seal = layout.seal_place(signer_place, diameter=SEAL_DIAMETER)
    x1, y1, x2, y2 = seal.box
    signed_at = timezone.now()
    organisation = document.agency.name
    look = appearance.seal_appearance(
        width=x2 - x1, height=y2 - y1, image=_image(credential), organisation=organisation,
        email=document.agency.email or credential.cert_email, signed_at=signed_at, seal_diameter=SEAL_DIAMETER)
    reason = LEGAL_TEXT["issue"] % {"n": numbered.removeprefix("Số: ")}
    if not in_fields:  # a PDF signed elsewhere: the number and date go into the signature's reason
        reason += ", " + dated
    signed = pdfsign.sign_pdf(
        pdf, backend, field_name=ORGANISATION_FIELD, reason=reason, location=document.agency.place_name or None,
        contact_info=document.agency.email or None, visible=pdfsign.Visible(seal.page, seal.box, look),
        timestamper=conf.timestamper(), lock_fields=True)
    _audit("signing.issue", actor, document, credential, {"number": numbered, "date": dated,
                                                          "fields_filled": in_fields})
    return signed
