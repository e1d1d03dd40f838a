"""Screenshots of the workforce pages of a running demo, as three users (a manual UI review aid).

Usage: python bench/workforce_screenshots.py [BASE_URL] [OUT_DIR]
(default http://127.0.0.1:8013 and ./wf-shots; the demo is made by ``congvu demo --no-serve``).
"""

from __future__ import annotations

import pathlib
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8013"
OUT = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "wf-shots")
PASSWORD = "congvu-demo"
PAGES = {
    "lanhdao.snv": ["/", "/lich-lam-viec/", "first-rules", "first-plan", "first-plan?xem=phong", "first-plan?xem=nguoi",
                    "/lich-lam-viec/cham-cong/", "/lich-lam-viec/cham-cong/thang/", "/lich-lam-viec/quy-tac/moi/",
                    "/lich-lam-viec/cua-toi/"],
    "vanthu.snv": ["/", "/lich-lam-viec/", "first-plan", "/lich-lam-viec/cua-toi/", "/lich-lam-viec/diem-danh/",
                   "/lich-lam-viec/cua-toi/nguyen-vong/"],
    "admin": ["/", "/lich-lam-viec/", "first-rules", "first-plan", "first-plan?xem=nguoi",
              "/lich-lam-viec/quy-tac/moi/", "/lich-lam-viec/cham-cong/", "/lich-lam-viec/ma-qr-phong/"],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        for user, paths in PAGES.items():
            context = browser.new_context(base_url=BASE, viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill(user)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_load_state()
            print(user, "->", page.url)
            rules = plan = None
            page.goto("/lich-lam-viec/")
            if page.locator("#rule-sets a").count():
                rules = page.locator("#rule-sets a").first.get_attribute("href")
            if page.locator("#plans a").count():
                plan = page.locator("#plans a").first.get_attribute("href")
            for n, path in enumerate(paths):
                if path.startswith("first-"):
                    target = rules if path.startswith("first-rules") else plan
                    if target is None:
                        print(f"  {user}: no {path}")
                        continue
                    path = target + path.split("first-plan", 1)[1] if "?" in path else target
                response = page.goto(path)
                name = f"{user}-{n:02d}-{path.strip('/').replace('/', '_').replace('?', '_') or 'home'}.png"
                page.screenshot(path=str(OUT / name), full_page=True)
                print(f"  {response.status if response else '?'} {path} -> {name}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
