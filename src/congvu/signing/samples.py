"""Sample documents in the Decree 30 layout, rendered by WeasyPrint (tests, benchmark, demo)."""

from __future__ import annotations

import html

from .appearance import SERIF

PAGE_CSS = f"""
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm }}
body {{ font-family: {SERIF}; font-size: 14pt; line-height: 1.3 }}
table.head {{ width: 100%; border-collapse: collapse }} table.head td {{ vertical-align: top; text-align: center }}
.upper {{ text-transform: uppercase }} .bold {{ font-weight: bold }} .italic {{ font-style: italic }}
p.content {{ text-align: justify; text-indent: 1cm; margin: 0 0 6pt 0 }}
table.sign {{ width: 100%; margin-top: 12pt }} table.sign td {{ vertical-align: top; width: 50% }}
.sigblock {{ text-align: center }} .sigspace {{ height: 70pt }}
.noinhan {{ font-size: 11pt }}
"""


def decree30_html(*, agency: str = "Ủy ban nhân dân thành phố Hải Phòng", parent: str = "",
                  symbol: str = "QĐ-UBND", place: str = "Hải Phòng", year: int = 2026, kind: str = "QUYẾT ĐỊNH",
                  subject: str = "Về việc tổ chức làm việc trực tuyến trong thời gian phòng, chống dịch",
                  authority: str = "TM. ỦY BAN NHÂN DÂN", title: str = "CHỦ TỊCH",
                  signer: str = "Nguyễn Văn An", pages: int = 1, number: str = "", date: str = "") -> str:
    """A draft with a blank number and date (or filled ones), ``pages`` pages long."""
    para = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư; "
            "các cơ quan, đơn vị tổ chức xử lý văn bản điện tử, ký số và gửi nhận văn bản qua hệ thống quản lý "
            "văn bản và điều hành, bảo đảm công việc thông suốt, không để chậm trễ, đúng quy định của pháp luật.")
    per_page = 9
    body = "".join(f'<p class="content">Điều {i + 1}. {para}</p>' for i in range(max(1, pages * per_page - 6)))
    esc = html.escape
    date_line = date or f"{place}, ngày      tháng      năm {year}"
    number_line = f"Số: {number or '      '}/{symbol}" if not number else f"Số: {number}"
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{PAGE_CSS}</style></head><body>
<table class="head"><tr>
 <td style="width:42%"><div class="upper" style="font-size:13pt">{esc(parent)}</div>
   <div class="upper bold" style="font-size:13pt">{esc(agency)}</div><div>―――――</div>
   <div style="font-size:13pt">{esc(number_line)}</div></td>
 <td><div class="bold" style="font-size:12.5pt">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
   <div class="bold" style="font-size:13.5pt">Độc lập - Tự do - Hạnh phúc</div><div>―――――――――――</div>
   <div class="italic" style="font-size:14pt">{esc(date_line)}</div></td>
</tr></table>
<h1 style="text-align:center;font-size:14pt;margin:18pt 0 0 0">{esc(kind)}</h1>
<p style="text-align:center;font-weight:bold;margin:0 0 12pt 0">{esc(subject)}</p>
{body}
<table class="sign"><tr>
 <td class="noinhan"><b><i>Nơi nhận:</i></b><br>- Như Điều 3;<br>- Lưu: VT.</td>
 <td class="sigblock"><div class="bold">{esc(authority)}</div><div class="bold">{esc(title)}</div>
   <div class="sigspace"></div><div class="bold">{esc(signer)}</div></td>
</tr></table>
</body></html>"""


def decree30_pdf(**kwargs) -> bytes:
    from weasyprint import HTML

    return HTML(string=decree30_html(**kwargs)).write_pdf()
