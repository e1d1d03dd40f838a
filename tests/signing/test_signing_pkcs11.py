"""The PKCS#11 back-end against a real SoftHSM2 token initialised in a temporary directory."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from signing_helpers import pyhanko_statuses

from congvu.signing import pdfsign, services, steps
from congvu.signing.backends import Pkcs11Backend
from congvu.signing.errors import SigningFailed
from congvu.signing.verify import verify_pdf

MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]
MODULE = next((m for m in MODULES if os.path.exists(m)), None)
TOKEN, USER_PIN, SO_PIN = "congvu-test", "246810", "13579135"

pytestmark = pytest.mark.skipif(
    MODULE is None or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed (libsofthsm2.so / softhsm2-util): `apt-get install softhsm2` "
           "to run the PKCS#11 tests")


@pytest.fixture(scope="module")
def token(pki, tmp_path_factory):
    """A SoftHSM2 token with the leader's key and certificate (label 'leader')."""
    import pkcs11
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
                    "--pin", USER_PIN], check=True, capture_output=True, timeout=60)
    lib = pkcs11.lib(MODULE)
    lib.reinitialize()  # see the token made by softhsm2-util after the library was loaded
    key_der = pki.leader.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption())
    cert_der = pki.leader.cert.public_bytes(serialization.Encoding.DER)
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=USER_PIN) as session:
        session.create_object({**decode_rsa_private_key(key_der), Attribute.LABEL: "leader", Attribute.ID: b"\x01",
                               Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                               Attribute.EXTRACTABLE: False})
        session.create_object({**decode_x509_certificate(cert_der), Attribute.LABEL: "leader",
                               Attribute.ID: b"\x01", Attribute.TOKEN: True})
    yield SimpleNamespace(module=MODULE, label=TOKEN, pin=USER_PIN)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def test_pkcs11_signature_validates(pki, token, draft_pdf):
    backend = Pkcs11Backend(module=token.module, token_label=token.label, key_label="leader", pin=token.pin)
    signed = pdfsign.sign_pdf(draft_pdf, backend, reason="Ký bằng token")
    [status] = pyhanko_statuses(signed, pki.ca_asn1)
    assert status.bottom_line
    assert verify_pdf(signed, trust_roots=[pki.ca_asn1])["ok"]
    assert token.pin not in repr(backend)


@pytest.mark.parametrize("kwargs, code", [
    ({"pin": "000000"}, "bad_pin"),
    ({"token_label": "khong-co"}, "no_token"),
    ({"key_label": "khong-co"}, "no_key"),
    ({"module": "/nonexistent/libx.so"}, "no_pkcs11_module"),
])
def test_pkcs11_errors_are_clear(token, draft_pdf, kwargs, code):
    params = {"module": token.module, "token_label": token.label, "key_label": "leader", "pin": token.pin, **kwargs}
    with pytest.raises(SigningFailed) as err:
        pdfsign.sign_pdf(draft_pdf, Pkcs11Backend(**params))
    assert err.value.code == code
    assert token.pin not in str(err.value) and "000000" not in str(err.value)


@pytest.mark.django_db
def test_pkcs11_credential_through_the_approval_step(org, pki, token, draft_pdf, settings):
    from congvu.core.models import AuditEvent

    settings.CONGVU_PKCS11_MODULES = [token.module]
    credential = services.credential_add_pkcs11(
        actor=org.snv_leader.user, agency=org.snv, staff=org.snv_leader, label="USB token", module=token.module,
        token_label=token.label, key_label="leader", pin=token.pin)
    assert credential.cert_common_name == "Lãnh đạo (demo)" and credential.cert_not_after > credential.cert_not_before
    document = SimpleNamespace(agency=org.snv, number=1, symbol="QĐ-SNV", issued_on=dt.date(2026, 1, 2),
                               signer=org.snv_leader, subject="Thử token")
    with steps.unlocked(token.pin):
        signed = steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document)
    assert verify_pdf(signed, trust_roots=[pki.ca_asn1])["ok"]
    with pytest.raises(SigningFailed) as err:
        steps.approve_step(pdf=draft_pdf, actor=org.snv_leader.user, document=document, secret="111111")
    assert err.value.code == "bad_pin"
    dump = str(list(AuditEvent.objects.values()))
    assert token.pin not in dump and "111111" not in dump
