"""Visible appearances: small PDF pages rendered by WeasyPrint, placed as form XObjects.

pyHanko's own text stamps need HarfBuzz for non-Latin text; Vietnamese needs proper fonts, so each
appearance (the person's signature image, the organisation's seal with its name, e-mail and
signing time, the issued number and date) is rendered as a one-page PDF of exactly the box's size
by WeasyPrint (embedded, subset fonts) and imported into the signed document.  Also the demo
signature and seal images (Pillow).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import html
import io
import uuid
from functools import lru_cache

from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader

SERIF = "'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif"
VN_TZ = dt.timezone(dt.timedelta(hours=7))


class ImportedPdfBytes(PdfContent):
    """First page of an in-memory PDF as content (pyHanko's ImportedPdfPage reads a file)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        name = "/Import" + binascii.hexlify(uuid.uuid4().bytes).decode("ascii")
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def render_box(body_html: str, width: float, height: float, *, css: str = "") -> bytes:
    """A one-page PDF of ``width`` × ``height`` points showing ``body_html``."""
    from weasyprint import HTML

    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
    @page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}
    html, body {{ margin: 0; padding: 0; width: {width:.2f}pt; height: {height:.2f}pt; overflow: hidden;
                  font-family: {SERIF}; }}
    {css}</style></head><body>{body_html}</body></html>"""
    return HTML(string=page).write_pdf()


def _img(data: bytes | None, *, style: str) -> str:
    if not data:
        return ""
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f'<img alt="" style="{style}" src="data:{mime};base64,{base64.b64encode(data).decode()}">'


def signature_appearance(*, width: float, height: float, image: bytes | None, name: str) -> bytes:
    """The person's signature: the image (blue, transparent PNG), else the name in blue."""
    if image:
        body = f'<div style="width:100%;height:100%;display:flex;align-items:center;justify-content:center">' \
               f'{_img(image, style="max-width:100%;max-height:100%")}</div>'
    else:
        body = (f'<div style="width:100%;height:100%;display:flex;align-items:center;justify-content:center;'
                f'color:#1f3fb3;font-style:italic;font-size:13pt;text-align:center">{html.escape(name)}</div>')
    return render_box(body, width, height)


def seal_appearance(*, width: float, height: float, image: bytes | None, organisation: str, email: str,
                    signed_at: dt.datetime, seal_diameter: float) -> bytes:
    """The organisation's signature: seal (red, actual size) with name, e-mail and signing time."""
    when = signed_at.astimezone(VN_TZ)
    text = "<br>".join(html.escape(t) for t in (
        organisation, f"Email: {email}" if email else "",
        f"Thời gian ký: {when:%d.%m.%Y %H:%M:%S} +07:00") if t)
    seal = _img(image, style=f"width:{seal_diameter:.1f}pt;height:{seal_diameter:.1f}pt;opacity:0.95") if image \
        else (f'<div style="width:{seal_diameter:.1f}pt;height:{seal_diameter:.1f}pt;border:3pt solid #d0021b;'
              f'border-radius:50%;box-sizing:border-box;color:#d0021b;font-size:8pt;display:flex;'
              f'align-items:center;justify-content:center;text-align:center">{html.escape(organisation)}</div>')
    body = (f'<div style="width:100%;height:100%;display:flex;flex-direction:column;align-items:center">'
            f'{seal}<div style="font-size:5.6pt;line-height:1.15;color:#b00016;text-align:center;'
            f'margin-top:1pt">{text}</div></div>')
    return render_box(body, width, height)


def text_appearance(*, width: float, height: float, text: str, size: float, italic: bool = False,
                    align: str = "left", cover: bool = True) -> bytes:
    """A line of text, on white when ``cover`` (hides the draft's line under it): the issued number or date."""
    background = "#fff" if cover else "transparent"
    style = (f"width:100%;height:100%;background:{background};font-size:{size:.1f}pt;line-height:{height:.2f}pt;"
             f"white-space:nowrap;text-align:{align};{'font-style:italic;' if italic else ''}")
    return render_box(f'<div style="{style}">{html.escape(text)}</div>', width, height)


# --- demo images ------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _font(size: int, italic: bool = False):
    from PIL import ImageFont

    for path in (f"/usr/share/fonts/truetype/dejavu/DejaVuSerif{'-Italic' if italic else ''}.ttf",
                 f"/usr/share/fonts/truetype/liberation/LiberationSerif-{'Italic' if italic else 'Regular'}.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def demo_signature_png(name: str) -> bytes:
    """A blue 'handwritten' signature on a transparent background (demo only)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (520, 220), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    short = name.split()[-1] if name.split() else name
    draw.text((40, 40), short, font=_font(110, italic=True), fill=(31, 63, 179, 255))
    draw.line([(30, 180), (200, 160), (360, 185), (490, 150)], fill=(31, 63, 179, 255), width=7, joint="curve")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def demo_seal_png(short_name: str) -> bytes:
    """A red round seal on a transparent background (demo only)."""
    from PIL import Image, ImageDraw

    size = 600
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (208, 2, 27, 235)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=18)
    draw.ellipse((70, 70, size - 70, size - 70), outline=red, width=8)
    # a five-pointed star in the middle
    import math

    cx, cy, r1, r2 = size / 2, size / 2 - 40, 70, 28
    pts = [(cx + (r1 if i % 2 == 0 else r2) * math.sin(i * math.pi / 5),
            cy - (r1 if i % 2 == 0 else r2) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(pts, fill=red)
    font = _font(46)
    text = short_name[:18]
    w = draw.textlength(text, font=font)
    draw.text(((size - w) / 2, size / 2 + 50), text, font=font, fill=red)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
