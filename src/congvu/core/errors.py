"""Domain errors raised by services; the web and API layers turn them into 4xx answers."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that cannot be carried out as asked. ``message`` is shown to the person."""

    status = 400
    code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, field: str | None = None,
                 details: dict | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details or {}

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    """Also used when the object exists but belongs to another agency: no details leak."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"
