"""Fixtures for the directives tests: PDFs with and without a text layer."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def textless_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html><body><div style='width:5cm;height:5cm;background:#000'></div></body></html>"
                ).write_pdf()


@pytest.fixture(scope="session")
def text_pdf() -> bytes:
    from weasyprint import HTML

    body = ("<p>Số: 12/TB-UBND</p><p>Hà Nội, ngày 05 tháng 01 năm 2021</p><p>THÔNG BÁO</p>"
            "<p>Kết luận của Chủ tịch Ủy ban nhân dân thành phố</p>"
            "<p>1. Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính báo cáo Ủy ban nhân dân thành phố"
            " trước ngày 20/01/2021.</p>")
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()
