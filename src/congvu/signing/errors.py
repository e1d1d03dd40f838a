"""Errors of the signing app: domain errors with a message for the person."""

from congvu.core.errors import ValidationFailed


class SigningFailed(ValidationFailed):
    """Signing could not be done (bad password/PIN, unusable certificate, unreadable PDF…)."""

    code = "signing_failed"


class BadPdf(ValidationFailed):
    """The file is not a PDF that can be signed or verified (corrupted, truncated, encrypted)."""

    code = "bad_pdf"
