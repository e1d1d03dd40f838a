"""Signing PDFs with pyHanko: PAdES baseline signatures as incremental updates (no Django).

- :func:`sign_pdf` adds one signature (visible or not) with any back-end, with an RFC 3161
  timestamp when a timestamper is given;
- :func:`add_issue_fields` adds two empty, read-only text fields over the "Số:" and date lines
  (done before the approver signs, so that filling them later is *form filling*, an update a
  signature allows — see docs/decisions/0020-signing-seam-and-issue-fields.md);
- :func:`fill_issue_fields` writes the issued number and date into those fields (incremental).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as hk_fields
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.stamp import StaticStampStyle

from . import _sync, appearance
from .backends import SigningBackend, check_usable
from .errors import BadPdf, SigningFailed
from .layout import Box, Place

NUMBER_FIELD = "CongVu_SoKyHieu"
DATE_FIELD = "CongVu_NgayBanHanh"
_READ_ONLY = 1
COVER_KEY = "/CongVuCover"


@dataclass(frozen=True)
class Visible:
    """A visible signature: page (0-based, negative from the end), box, rendered appearance (PDF)."""

    page: int
    box: Box
    pdf: bytes


def _bad_pdf(exc: Exception | None = None) -> BadPdf:
    return BadPdf("Tệp không phải PDF hợp lệ (hỏng hoặc không đầy đủ).", code="bad_pdf")


def read_pdf(pdf: bytes) -> PdfFileReader:
    """A reader for ``pdf`` or BadPdf (not a PDF, corrupted, truncated, encrypted)."""
    if not isinstance(pdf, bytes | bytearray) or not bytes(pdf[:1024]).lstrip().startswith(b"%PDF-"):
        raise BadPdf("Tệp không phải PDF.", code="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
        if not encrypted:
            _ = reader.root["/Pages"]
            if len(reader.root["/Pages"]["/Kids"]) == 0:
                raise _bad_pdf()
    except BadPdf:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        raise _bad_pdf(exc) from None
    if encrypted:
        raise BadPdf("Tệp PDF được mã hóa (đặt mật khẩu): không ký hay kiểm tra được.", code="encrypted_pdf")
    return reader


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    read_pdf(pdf)
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # noqa: BLE001
        raise _bad_pdf(exc) from None


def _unique_field_name(writer: IncrementalPdfFileWriter, base: str) -> str:
    try:
        names = {name for name, _v, _r in hk_fields.enumerate_sig_fields(writer)}
    except Exception:  # noqa: BLE001
        names = set()
    if base not in names:
        return base
    n = 2
    while f"{base}_{n}" in names:
        n += 1
    return f"{base}_{n}"


def sign_pdf(pdf: bytes, backend: SigningBackend, *, field_name: str = "CongVu_ChuKy", reason: str | None = None,
             location: str | None = None, contact_info: str | None = None, visible: Visible | None = None,
             timestamper=None, check_certificate: bool = True, lock_fields: bool = False) -> bytes:
    """Add one PAdES signature as an incremental update; returns the new PDF bytes.

    ``lock_fields``: a FieldMDP lock on every form field, so that any later change of a field value
    (e.g. rewriting the issued number) invalidates this signature.
    """
    writer = open_writer(pdf)
    name = _unique_field_name(writer, field_name)
    lock = hk_fields.FieldMDPSpec(action=hk_fields.FieldMDPAction.ALL) if lock_fields else None
    with backend.open() as signer:
        if check_certificate:
            check_usable(signer.signing_cert)
        meta = signers.PdfSignatureMetadata(
            field_name=name, reason=reason or None, location=location or None, contact_info=contact_info or None,
            subfilter=hk_fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        )
        if visible is not None:
            n_pages = int(writer.root["/Pages"]["/Count"])
            page = visible.page if visible.page >= 0 else n_pages + visible.page
            if not 0 <= page < n_pages:
                raise SigningFailed("Trang đặt chữ ký không tồn tại.", code="bad_page")
            box = tuple(int(round(v)) for v in visible.box)
            spec = hk_fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box, field_mdp_spec=lock)
            style = StaticStampStyle(
                background=appearance.ImportedPdfBytes(visible.pdf), border_width=0, background_opacity=1.0,
                background_layout=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0)))
        else:
            spec = hk_fields.SigFieldSpec(sig_field_name=name, field_mdp_spec=lock)
            style = None
        pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec)
        try:
            out = _sync.call(pdf_signer.sign_pdf, writer)
        except SigningFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - pyHanko, PKCS#11, TSA, network: one clear message
            raise SigningFailed(_describe_failure(exc), code="signing_failed") from None
    return out.getvalue()


def _describe_failure(exc: Exception) -> str:
    from pyhanko.sign.timestamps import TimestampRequestError

    if isinstance(exc, TimestampRequestError) or "timestamp" in type(exc).__name__.lower():
        return "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (TSA)."
    if isinstance(exc, SigningError | PdfError):
        return f"Không ký được văn bản: {exc}"
    return f"Không ký được văn bản ({type(exc).__name__})."


def _field_refs(writer) -> dict[str, generic.IndirectObject]:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    refs = {}
    for ref in fields:
        obj = ref.get_object() if isinstance(ref, generic.IndirectObject) else ref
        if isinstance(ref, generic.IndirectObject) and "/T" in obj:
            refs[str(obj["/T"])] = ref
    return refs


def has_issue_fields(pdf: bytes) -> bool:
    reader = read_pdf(pdf)
    refs = _field_refs(reader)
    return NUMBER_FIELD in refs and DATE_FIELD in refs


def add_issue_fields(pdf: bytes, *, number: Place, date: Place) -> bytes:
    """Add the empty number and date fields (no-op when present). Incremental update."""
    writer = open_writer(pdf)
    existing = _field_refs(writer)
    if NUMBER_FIELD in existing and DATE_FIELD in existing:
        return pdf
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject({
            pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    if "/Fields" not in form:
        form[pdf_name("/Fields")] = generic.ArrayObject()
    form_ref = root.raw_get("/AcroForm")
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    else:
        writer.update_root()
    for name, place in ((NUMBER_FIELD, number), (DATE_FIELD, date)):
        if name in existing:
            continue
        page_ref = writer.find_page_for_modification(place.page)[0]
        x1, y1, x2, y2 = place.box
        blank = generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                    generic.FloatObject(x2 - x1), generic.FloatObject(y2 - y1)]),
        }, stream_data=b"")
        field = generic.DictionaryObject({
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.pdf_string(name),
            pdf_name("/Ff"): generic.NumberObject(_READ_ONLY),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x1, y1, x2, y2)]),
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): generic.pdf_string(f"/Helv {place.font_size:.1f} Tf 0 g"),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(blank)}),
            # Cover the draft's line with white only where we found it; a fallback box must hide nothing.
            pdf_name(COVER_KEY): generic.BooleanObject(place.found),
        })
        field_ref = writer.add_object(field)
        form["/Fields"].append(field_ref)
        writer.register_annotation(page_ref, field_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_issue_fields(pdf: bytes, *, number_text: str, date_text: str) -> bytes:
    """Write the issued number/symbol and date into the fields (new appearance streams)."""
    writer = open_writer(pdf)
    refs = _field_refs(writer)
    if NUMBER_FIELD not in refs or DATE_FIELD not in refs:
        raise SigningFailed("Văn bản không có ô số, ký hiệu và ngày ban hành để điền.", code="no_issue_fields")
    for name, text, italic, align in ((NUMBER_FIELD, number_text, False, "left"),
                                      (DATE_FIELD, date_text, True, "center")):
        ref = refs[name]
        field = ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        size = _da_size(field)
        cover = bool(field.get(COVER_KEY, True))
        rendered = appearance.text_appearance(width=x2 - x1, height=y2 - y1, text=text, size=size, italic=italic,
                                              align=align, cover=cover)
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(rendered)), page_ix=0)
        field[pdf_name("/V")] = generic.pdf_string(text)
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): xobj})
        writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _da_size(field) -> float:
    try:
        parts = str(field["/DA"]).split()
        return max(6.0, min(20.0, float(parts[parts.index("Tf") - 1])))
    except (KeyError, ValueError, IndexError):
        return 13.0
