"""Signer back-ends: where the private key lives.  One interface, a registry of kinds.

A back-end is opened for one signing operation (``with backend.open() as signer``) and yields a
pyHanko :class:`~pyhanko.sign.signers.Signer`; the private key never leaves it:

- ``pkcs12``: a PKCS#12 file (bytes) and its password, both held only in memory for the call;
- ``pkcs11``: a token or HSM through its PKCS#11 module (Vietnamese USB tokens, HSMs; tested
  against SoftHSM2), selected by token label and key label, logged in with the PIN;
- ``remote``: the extension point for remote-signing services (see :class:`RemoteBackend`).

Passwords and PINs are arguments of the constructor only: they are never logged, never put in an
exception message, never stored (``__repr__`` hides them).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import Signer

from .errors import SigningFailed

BACKENDS: dict[str, type[SigningBackend]] = {}


def register(kind: str):
    def deco(cls):
        cls.kind = kind
        BACKENDS[kind] = cls
        return cls
    return deco


def get_backend(kind: str, **params) -> SigningBackend:
    try:
        cls = BACKENDS[kind]
    except KeyError:
        raise SigningFailed(f"Loại thiết bị ký không hỗ trợ: {kind}.", code="unknown_backend") from None
    return cls(**params)


class SigningBackend(abc.ABC):
    """What every back-end offers."""

    kind = ""

    @abc.abstractmethod
    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        """Yield a ready pyHanko Signer for one signing operation; release the key afterwards.

        Raises :class:`SigningFailed` with a message for the person (wrong password/PIN, token absent…).
        """

    def certificate(self) -> asn1_x509.Certificate:
        with self.open() as signer:
            return signer.signing_cert

    def __repr__(self) -> str:  # never show secrets
        return f"<{type(self).__name__} kind={self.kind}>"


@register("pkcs12")
class Pkcs12Backend(SigningBackend):
    def __init__(self, *, data: bytes, password: str | bytes | None) -> None:
        self._data = data
        self._password = password.encode("utf-8") if isinstance(password, str) else password

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        if not self._data:
            raise SigningFailed("Chưa có tệp PKCS#12.", code="no_p12")
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(self._data, other_certs=(),
                                                            passphrase=self._password or None)
        except (ValueError, TypeError):
            signer = None
        if signer is None or signer.signing_cert is None:
            raise SigningFailed("Không mở được tệp PKCS#12: mật khẩu không đúng hoặc tệp hỏng.",
                                code="bad_p12_password")
        yield signer


@register("pkcs11")
class Pkcs11Backend(SigningBackend):
    """A PKCS#11 token: ``module`` is the path to the vendor's library (e.g. libsofthsm2.so)."""

    def __init__(self, *, module: str, token_label: str, key_label: str, pin: str | None,
                 cert_label: str | None = None) -> None:
        self.module = module
        self.token_label = token_label
        self.key_label = key_label
        self.cert_label = cert_label or key_label
        self._pin = pin

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        import os

        from pkcs11 import exceptions as p11_exc
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as hk11

        if not self.module or not os.path.exists(self.module):
            raise SigningFailed("Không tìm thấy thư viện PKCS#11 của thiết bị ký.", code="no_pkcs11_module")
        try:
            session = hk11.open_pkcs11_session(self.module, token_criteria=TokenCriteria(label=self.token_label),
                                               user_pin=self._pin)
        except (p11_exc.PinIncorrect, p11_exc.PinInvalid, p11_exc.PinLenRange):
            raise SigningFailed("Mã PIN của thiết bị ký không đúng.", code="bad_pin") from None
        except p11_exc.PinLocked:
            raise SigningFailed("Thiết bị ký đã bị khóa do nhập sai PIN nhiều lần.", code="pin_locked") from None
        except (p11_exc.PKCS11Error, hk11.PKCS11Error, RuntimeError, OSError):
            raise SigningFailed(f"Không mở được thiết bị ký (token) {self.token_label!r}.",
                                code="no_token") from None
        try:
            try:
                signer = hk11.PKCS11Signer(session, cert_label=self.cert_label, key_label=self.key_label)
                cert = signer.signing_cert
            except (p11_exc.PKCS11Error, hk11.PKCS11Error, ValueError, KeyError):
                cert = None
            if cert is None:
                raise SigningFailed(f"Không tìm thấy khóa/chứng thư {self.key_label!r} trên thiết bị ký.",
                                    code="no_key")
            yield signer
        finally:
            with contextlib.suppress(Exception):
                session.close()


class _CallableSigner(Signer):
    """A pyHanko Signer whose raw signature comes from a function (the remote service)."""

    def __init__(self, sign: Callable[[bytes, str], bytes], cert: asn1_x509.Certificate,
                 chain: list[asn1_x509.Certificate]) -> None:
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        super().__init__(signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs(chain))
        self._sign = sign

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:  # pyHanko estimates the size first; don't call the service for that
            return bytes(self.signing_cert.public_key.bit_size // 8 + 16)
        return await asyncio.to_thread(self._sign, data, digest_algorithm)


class RemoteBackend(SigningBackend):
    """Extension point for a remote-signing service (a CA's cloud signing, a signing server).

    Contract for an implementation:

    - :meth:`certificate_chain` returns the signer's certificate first, then intermediates (DER or
      asn1crypto certificates), fetched from the service;
    - :meth:`sign_raw` receives the DER-encoded CMS signed attributes (``data``) and the digest
      algorithm name (``"sha256"``) and returns the raw signature value (PKCS#1 v1.5 for RSA, DER
      ECDSA) made by the service; it may block (it runs in a worker thread) and must raise
      :class:`SigningFailed` with a person-readable message on refusal (wrong OTP, timeout…);
    - credentials for the service are constructor arguments kept in memory only.

    pyHanko does the rest (CMS, PAdES attributes, timestamp, PDF).  The document itself is never
    sent, only the signed attributes, which contain its digest.
    """

    @abc.abstractmethod
    def certificate_chain(self) -> list[asn1_x509.Certificate | bytes]: ...

    @abc.abstractmethod
    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes: ...

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        chain = [c if isinstance(c, asn1_x509.Certificate) else asn1_x509.Certificate.load(c)
                 for c in self.certificate_chain()]
        if not chain:
            raise SigningFailed("Dịch vụ ký từ xa không trả về chứng thư số.", code="no_certificate")
        yield _CallableSigner(self.sign_raw, chain[0], chain)


@register("remote")
class CallableRemoteBackend(RemoteBackend):
    """A remote back-end made of two callables (used by tests and for simple integrations)."""

    def __init__(self, *, chain: list, sign: Callable[[bytes, str], bytes]) -> None:
        self._chain = chain
        self._sign_fn = sign

    def certificate_chain(self):
        return list(self._chain)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return self._sign_fn(data, digest_algorithm)


def describe_certificate(cert: asn1_x509.Certificate) -> dict[str, Any]:
    """Subject, issuer, validity and key usage of a certificate (for caching and display)."""
    subject = cert.subject.native
    key_usage = sorted(cert.key_usage_value.native) if cert.key_usage_value is not None else []
    return {
        "subject": cert.subject.human_friendly,
        "common_name": subject.get("common_name") or subject.get("organization_name") or "",
        "email": subject.get("email_address", ""),
        "issuer": cert.issuer.human_friendly,
        "serial": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before,
        "not_after": cert.not_valid_after,
        "key_usage": key_usage,
    }


def check_usable(cert: asn1_x509.Certificate, *, at: dt.datetime | None = None) -> None:
    """Refuse to sign with a certificate that is expired, not yet valid or not for signing."""
    now = at or dt.datetime.now(dt.UTC)
    if cert.not_valid_after < now:
        raise SigningFailed("Chứng thư số đã hết hạn ({}).".format(cert.not_valid_after.strftime("%d/%m/%Y")),
                            code="cert_expired")
    if cert.not_valid_before > now:
        raise SigningFailed("Chứng thư số chưa có hiệu lực (từ {}).".format(cert.not_valid_before.strftime("%d/%m/%Y")),
                            code="cert_not_yet_valid")
    usage = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
    if not usage & {"digital_signature", "non_repudiation"}:
        raise SigningFailed("Chứng thư số không có mục đích ký số (key usage).", code="cert_no_signing_usage")
