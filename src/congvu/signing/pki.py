"""A small demonstration PKI made with ``cryptography`` (no Django).

``make_demo_pki(out_dir, password)`` writes a root CA, a timestamp authority and PKCS#12 files for
the demo's leaders and organisations, plus deliberately bad certificates for tests: expired,
not yet valid, without a signing key usage, and one issued by an untrusted CA.  Nothing here is
for production: real certificates come from the Government Cipher Committee's CA (Ban Cơ yếu).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# id-kp-documentSigning (RFC 9336) and Adobe's "Authentic Documents Trust" purpose.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
KEY_BITS = 2048
DEFAULT_PASSWORD = "demo"  # noqa: S105 - the public password of the demo PKI
CRL_URL = "http://crl.congvu.invalid/demo-ca.crl"


@dataclass
class Identity:
    """A key and its certificate (and the chain up to, not including, the root)."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    def p12(self, password: str, name: str = "") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name.encode("utf-8") or None, self.key, self.cert, self.chain or None,
            serialization.BestAvailableEncryption(password.encode("utf-8")))

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(common_name: str, *, organisation: str = "", email: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def make_ca(common_name: str = "Công Vụ Demo Root CA", *, years: int = 20, backdate_days: int = 1) -> Identity:
    key = new_key()
    name = _name(common_name, organisation="Công Vụ (demo)")
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=backdate_days))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(key, cert)


def issue(ca: Identity, common_name: str, *, organisation: str = "", email: str = "",
          not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
          signing: bool = True, timestamping: bool = False) -> Identity:
    """An end-entity certificate signed by ``ca``.

    ``signing``: key usage digitalSignature + nonRepudiation and the document-signing purposes;
    False gives a certificate for key encipherment only (a "no signing key usage" test case).
    """
    key = new_key()
    now = _now()
    nb = not_before or now - dt.timedelta(days=1)
    na = not_after or now + dt.timedelta(days=365 * 3)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation=organisation, email=email))
        .issuer_name(ca.cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(nb).not_valid_after(na)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        # Declared so that validators check the CRLs they are given; never fetched (.invalid domain).
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(CRL_URL)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    elif signing:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True).add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING,
                                                                ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                                         critical=False)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=True, data_encipherment=True,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return Identity(key, builder.sign(ca.key, hashes.SHA256()), [ca.cert])


@dataclass
class DemoPki:
    ca: Identity
    tsa: Identity
    leader: Identity
    organisation: Identity
    files: dict[str, Path] = field(default_factory=dict)


# (file stem, common name, organisation, e-mail) of the demo city's signers.
DEMO_SIGNERS = [
    ("leader", "Lãnh đạo (demo)", "UBND thành phố Hải Phòng (demo)", "lanhdao@demo.congvu.vn"),
    ("organisation", "Ủy ban nhân dân thành phố Hải Phòng", "UBND thành phố Hải Phòng (demo)",
     "ubnd@haiphong.demo.congvu.vn"),
]


def write_pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def make_demo_pki(out_dir: Path | str, password: str = DEFAULT_PASSWORD, *, bad: bool = True,
                  extra: list[tuple[str, str, str, str]] | None = None) -> DemoPki:
    """Write the demo PKI to ``out_dir``; returns the identities and written paths.

    Files: ca.pem, tsa.pem, tsa.key.pem, tsa.p12, leader.p12, organisation.p12 (+ <stem>.p12 for
    ``extra``), and with ``bad``: expired.p12, not-yet-valid.p12, no-signing-usage.p12,
    untrusted.p12 and untrusted-ca.pem.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ca = make_ca()
    files: dict[str, Path] = {"ca": write_pem(out / "ca.pem", ca.cert_pem())}
    tsa = issue(ca, "Công Vụ Demo TSA", organisation="Công Vụ (demo)", timestamping=True)
    files["tsa"] = write_pem(out / "tsa.pem", tsa.cert_pem())
    files["tsa_key"] = write_pem(out / "tsa.key.pem", tsa.key_pem())
    (out / "tsa.key.pem").chmod(0o600)
    files["tsa_p12"] = write_pem(out / "tsa.p12", tsa.p12(password, "tsa"))
    identities = {}
    for stem, cn, org, email in DEMO_SIGNERS + list(extra or []):
        identities[stem] = issue(ca, cn, organisation=org, email=email)
        files[stem] = write_pem(out / f"{stem}.p12", identities[stem].p12(password, stem))
    if bad:
        now = _now()
        cases = {
            "expired": issue(ca, "Chứng thư hết hạn", not_before=now - dt.timedelta(days=800),
                             not_after=now - dt.timedelta(days=400)),
            "not-yet-valid": issue(ca, "Chứng thư chưa hiệu lực", not_before=now + dt.timedelta(days=30),
                                   not_after=now + dt.timedelta(days=400)),
            "no-signing-usage": issue(ca, "Chứng thư không dùng để ký", signing=False),
        }
        other = make_ca("Untrusted Demo CA")
        files["untrusted_ca"] = write_pem(out / "untrusted-ca.pem", other.cert_pem())
        cases["untrusted"] = issue(other, "Chứng thư CA lạ", organisation="Không rõ")
        for stem, ident in cases.items():
            files[stem] = write_pem(out / f"{stem}.p12", ident.p12(password, stem))
            identities[stem] = ident
    for path in files.values():
        if path.suffix == ".p12":
            path.chmod(0o600)
    pki = DemoPki(ca=ca, tsa=tsa, leader=identities["leader"], organisation=identities["organisation"],
                  files=files)
    pki.identities = identities  # type: ignore[attr-defined]
    return pki
