"""The English interface: pages switch language on explicit choice, and the catalogue is complete."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

LOGIN_BUTTON_VI = '<button type="submit">Đăng nhập</button>'
LOGIN_BUTTON_EN = '<button type="submit">Sign in</button>'


# --- pages ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="vi"' in body
    assert LOGIN_BUTTON_VI in body and "Tên đăng nhập" in body and "Quên mật khẩu?" in body
    assert LOGIN_BUTTON_EN not in body


@pytest.mark.django_db
def test_login_page_in_english_with_the_query_parameter(client):
    body = client.get("/accounts/login/?lang=en").content.decode()
    assert 'lang="en"' in body
    assert LOGIN_BUTTON_EN in body
    assert "Username" in body and "Password" in body and "Forgot your password?" in body
    assert "Đăng nhập" not in body


@pytest.mark.django_db
def test_login_page_in_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/accounts/login/").content.decode()
    assert LOGIN_BUTTON_EN in body and "Skip to main content" in body


@pytest.mark.django_db
def test_wrong_password_message_in_english(client, org):
    response = client.post("/accounts/login/?lang=en", {"username": org.snv_clerk.user.username,
                                                        "password": "not-the-password"})
    assert "Incorrect username or password." in response.content.decode()


def test_home_page_is_vietnamese_by_default(client, org):
    client.force_login(org.snv_clerk.user)
    body = client.get("/").content.decode()
    assert "<h1>Việc của tôi</h1>" in body
    assert "Đăng xuất" in body and "Sign out" not in body


def test_home_page_in_english_with_the_language_cookie(client, org):
    client.force_login(org.snv_clerk.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert '<a href="/" aria-current="page">My work</a>' in body  # main navigation
    assert "<h1>My work</h1>" in body
    for text in ("Full name", "Agency", "Unit", "Position", "Today", "next working day", "Sign out",
                 "Main navigation", "Organisation", "API keys", "Two-factor authentication",
                 "Công Vụ — an open-source e-government platform"):
        assert text in body, text
    for text in ("Việc của tôi", "Họ và tên", "Đăng xuất", "Hôm nay"):
        assert text not in body, text


def test_home_page_in_english_with_the_query_parameter(client, org):
    client.force_login(org.snv_clerk.user)
    body = client.get("/?lang=en").content.decode()
    assert "<h1>My work</h1>" in body and "Việc của tôi" not in body


def test_language_switcher_sets_english(client, org):
    client.force_login(org.snv_clerk.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "<h1>My work</h1>" in body
    assert "Vietnamese (Tiếng Việt)" in body  # a way back, recognisable to Vietnamese readers


def test_organisation_page_in_english(client, org):
    client.force_login(org.snv_clerk.user)
    body = client.get("/to-chuc/?lang=en").content.decode()
    for text in ("<h1>Organisation</h1>", "Agency name", "Identifier code", "Search by name or code"):
        assert text in body, text


# --- the catalogue ----------------------------------------------------------------------------------

def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: entries with flags, msgctxt, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    key = None

    def flush():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": {}}

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                flush()
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            word, index, value = match.groups()
            if word in ("msgctxt", "msgid") and "msgid" in entry and (word == "msgctxt" or entry["msgstr"]):
                flush()
            if word.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = ast.literal_eval(value)
            else:
                key = (word, None)
                entry[word] = ast.literal_eval(value)
        elif line.startswith('"') and key is not None:
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += ast.literal_eval(line)
            else:
                entry[key[0]] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    flush()
    return entries


PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGco%]")
BRACES = re.compile(r"\{[A-Za-z_]?[A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")
MARKUP = re.compile(r"</?[A-Za-z][^>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def placeholders(text: str) -> list[str]:
    return sorted(PRINTF.findall(text) + BRACES.findall(text) + MARKUP.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return parse_po(PO_FILE)


def test_catalogue_header(catalogue):
    header = next(e for e in catalogue if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_catalogue_is_complete_and_not_fuzzy(catalogue):
    messages = [e for e in catalogue if e["msgid"]]
    assert len(messages) > 200
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not fuzzy, fuzzy
    empty = [e["msgid"] for e in messages if not e["msgstr"] or not all(s.strip() for s in e["msgstr"].values())]
    assert not empty, empty
    plural = [e for e in messages if "msgid_plural" in e]
    assert all(sorted(e["msgstr"]) == [0, 1] for e in plural), [e["msgid"] for e in plural]
    assert all(sorted(e["msgstr"]) == [0] for e in messages if "msgid_plural" not in e)


def test_catalogue_keeps_every_placeholder(catalogue):
    wrong = []
    for e in catalogue:
        if not e["msgid"]:
            continue
        if "msgid_plural" in e:
            # The singular form may spell out "one" instead of the count; the plural form keeps everything.
            allowed = set(placeholders(e["msgid"]) + placeholders(e["msgid_plural"]))
            if not set(placeholders(e["msgstr"][0])) <= allowed:
                wrong.append((e["msgid"], e["msgstr"][0]))
            if set(placeholders(e["msgstr"][1])) != set(placeholders(e["msgid_plural"])):
                wrong.append((e["msgid_plural"], e["msgstr"][1]))
        elif placeholders(e["msgid"]) != placeholders(e["msgstr"][0]):
            wrong.append((e["msgid"], e["msgstr"][0]))
    assert not wrong, wrong


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo is up to date (run ``make messages`` after editing the .po)."""
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in catalogue:
        if not e["msgid"] or "msgid_plural" in e:
            continue
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if compiled.gettext(msgid) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert not stale, stale


def test_the_parser_reads_plural_and_context_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr "Language: en\\n"\n\n#, fuzzy, python-format\nmsgctxt "c"\nmsgid "a %(n)s"\n'
                  'msgid_plural "b %(n)s"\nmsgstr[0] "one %(n)s"\nmsgstr[1] ""\n"many %(n)s"\n', encoding="utf-8")
    header, entry = parse_po(po)
    assert header["msgstr"] == {0: "Language: en\n"}
    assert entry["flags"] == {"fuzzy", "python-format"} and entry["msgctxt"] == "c"
    assert entry["msgstr"] == {0: "one %(n)s", 1: "many %(n)s"}
    assert placeholders("%(n)s {name} <b>&amp;") == sorted(["%(n)s", "{name}", "<b>", "&amp;"])


def test_import_accepts_vietnamese_agency_kinds_while_english_is_active(db):
    from django.utils import translation

    from congvu.org.importers import import_file
    from congvu.org.models import Agency

    csv = "code,name,short_name,kind\n000.00.77.H99,Sở Tư pháp,STP,Sở\n".encode()
    with translation.override("en"):
        result = import_file(csv, filename="co-quan.csv", kind="agencies")
    assert result.ok
    assert Agency.objects.get(code="000.00.77.H99").kind == Agency.Kind.SO


def test_builtin_role_names_are_stored_in_vietnamese(db):
    from django.utils import translation

    from congvu.org.models import Role
    from congvu.org.services import roles_ensure_builtin

    with translation.override("en"):
        roles_ensure_builtin()
    assert Role.objects.get(code=Role.VAN_THU).name == "Văn thư"
