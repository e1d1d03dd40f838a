"""`congvu pki demo`, `congvu pdf sign`, `congvu pdf verify`: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CONGVU = str(Path(sys.executable).with_name("congvu"))


def run(*args, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONGVU_DATA_DIR": str(Path(cwd) / "var"), "CONGVU_TRUST_ROOTS": "",
           "CONGVU_TSA_URL": ""}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([CONGVU, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def cli_pki(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    proc = run("pki", "demo", "--out", str(out / "pki"), "--password", "Mk-demo-1", cwd=out)
    assert proc.returncode == 0, proc.stderr
    for name in ("ca.pem", "leader.p12", "organisation.p12"):
        assert (out / "pki" / name).stat().st_size > 0
    return out


def test_sign_then_verify_json(cli_pki, draft_pdf):
    work = cli_pki
    (work / "in.pdf").write_bytes(draft_pdf)
    proc = run("pdf", "sign", "in.pdf", "out.pdf", "--p12", "pki/leader.p12", "--password", "Mk-demo-1",
               "--reason", "Phê duyệt văn bản", "--visible", cwd=work)
    assert proc.returncode == 0, proc.stderr
    proc = run("pdf", "verify", "out.pdf", "--trust", "pki/ca.pem", "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is True
    [sig] = data["signatures"]
    assert sig["signer"] == "Lãnh đạo (demo)" and sig["intact"] and sig["trusted"]
    assert sig["covers_whole_document"] and not sig["modified_after_signing"] and sig["signed_at"]
    assert isinstance(sig["messages"], list)
    # untrusted without --trust: a verdict, exit 1
    proc = run("pdf", "verify", "out.pdf", "--json", cwd=work)
    assert proc.returncode == 1 and json.loads(proc.stdout)["ok"] is False
    # tampered: exit 1
    data = bytearray((work / "out.pdf").read_bytes())
    at = bytes(data).index(b"/MediaBox")
    data[at + 2] = ord("Z")
    (work / "bad.pdf").write_bytes(bytes(data))
    proc = run("pdf", "verify", "bad.pdf", "--trust", "pki/ca.pem", cwd=work)
    assert proc.returncode == 1 and "Chữ ký hợp lệ" not in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["pdf", "sign", "in.pdf", "x.pdf", "--p12", "pki/leader.p12", "--password", "sai"], "mật khẩu"),
    (["pdf", "sign", "missing.pdf", "x.pdf", "--p12", "pki/leader.p12", "--password", "x"], "no such file"),
    (["pdf", "sign", "in.pdf", "x.pdf", "--p12", "pki/ca.pem", "--password", "x"], "PKCS#12"),
    (["pdf", "sign", "pki/ca.pem", "x.pdf", "--p12", "pki/leader.p12", "--password", "Mk-demo-1"], "PDF"),
    (["pdf", "sign", "in.pdf", "x.pdf", "--p12", "pki/expired.p12", "--password", "Mk-demo-1"], "hết hạn"),
    (["pdf", "sign", "in.pdf", "x.pdf", "--p12", "pki/no-signing-usage.p12", "--password", "Mk-demo-1"], "ký số"),
    (["pdf", "verify", "missing.pdf"], "no such file"),
    (["pdf", "verify", "in.pdf", "--trust", "in.pdf"], "not a PEM"),
    (["pdf", "verify", "pki/ca.pem", "--json"], "PDF"),
    (["pdf", "sign", "in.pdf"], "required"),
])
def test_bad_input_is_a_message_and_a_non_zero_exit(cli_pki, draft_pdf, args, message):
    (cli_pki / "in.pdf").write_bytes(draft_pdf)
    proc = run(*args, cwd=cli_pki)
    assert proc.returncode != 0
    assert message in proc.stderr + proc.stdout
    assert not (cli_pki / "x.pdf").exists()


def test_pki_demo_to_an_unwritable_place(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("pki", "demo", "--out", str(blocker / "sub"), cwd=tmp_path)
    assert proc.returncode != 0 and "cannot write" in proc.stderr
