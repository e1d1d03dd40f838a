"""Browser tests: Playwright driving Debian's Chromium (no browser download).

Skipped, with instructions, when no Chromium is found.  Set CONGVU_CHROMIUM to use another
executable.  Run only these with ``pytest -m browser``.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_CANDIDATES = [os.environ.get("CONGVU_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                       shutil.which("chromium") or "", shutil.which("chromium-browser") or ""]
HOW_TO = ("no Chromium found: install Debian's browser with `apt-get install chromium` "
          "(or set CONGVU_CHROMIUM=/path/to/chromium) to run the browser tests")


def _chromium() -> str | None:
    for path in CHROMIUM_CANDIDATES:
        if path and os.path.exists(path) and os.access(path, os.X_OK):
            return path
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip(HOW_TO)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    # Playwright runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
