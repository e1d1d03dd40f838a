"""Real sample files made on the fly for tests: DOCX (python-docx) and PDF with a text layer (WeasyPrint)."""

from __future__ import annotations

import functools
import html
import io


def docx_bytes(paragraphs, table=None) -> bytes:
    """A DOCX with these paragraphs, then (optionally) a table given as a list of rows of cell texts."""
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=256)
def pdf_bytes(text: str, *, style: str = "font-family: Liberation Serif") -> bytes:
    """A one-or-more-page PDF whose text layer holds ``text``, one paragraph per line (cached per text)."""
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    return HTML(string=f"<html><body style='{style}'>{paragraphs}</body></html>").write_pdf()
