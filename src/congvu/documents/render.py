"""Render a composed document to PDF in the Decree 30 layout (Appendix I) with WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from congvu.core.dates import format_date_line

from .constants import number_text

# Decree 30 App. I: A4, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm; Times-like font.
FONT = "'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif"


def context(doc) -> dict:
    agency = doc.agency
    parent = agency.parent
    if doc.authority:
        authority_lines = [f"{doc.authority} {doc.authority_line}".strip()]
    elif doc.authority_line:
        authority_lines = [doc.authority_line]
    else:
        authority_lines = []
    title = (doc.signer_title or (doc.signer.position.name if doc.signer and doc.signer.position else "")).upper()
    if title and (not authority_lines or authority_lines[-1].upper() != title):
        authority_lines.append(title)
    recipients = [line.strip() for line in (doc.recipients_text or "").splitlines() if line.strip()]
    # Công văn: "Kính gửi:" names the addressees (box 9a); the file copy line ("Lưu: …") is not one.
    addressees = [r for r in recipients if not r.lower().startswith("lưu")] if doc.doc_type == "cong_van" else []
    paragraphs = [p.strip() for p in (doc.body or "").split("\n") if p.strip()]
    return {
        "doc": doc,
        "font": FONT,
        "parent_name": (parent.short_name if parent and parent.short_name else (parent.name if parent else "")).upper(),
        "agency_name": agency.name.upper(),
        "number": number_text(doc.number) if doc.number is not None else "",
        "symbol": doc.symbol,
        "date_line": format_date_line(doc.issued_on, doc.place or agency.place_name or "") if doc.issued_on
        else f"{doc.place or agency.place_name}, ngày    tháng    năm",
        "is_cong_van": doc.doc_type == "cong_van",
        "type_name": doc.type_name.upper(),
        "paragraphs": paragraphs,
        "authority_lines": authority_lines,
        "signer_name": doc.signer_name or (doc.signer.full_name if doc.signer else ""),
        "recipients": recipients,
        "addressees": addressees,
        "marks": doc.marks,
    }


def render_html(doc) -> str:
    return render_to_string("documents/pdf/document.html", context(doc))


def render_pdf(doc) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(doc)).write_pdf()
