"""The HTTP API: one NinjaAPI under ``/api/v1/`` that mounts each app's router.

Authentication: ``Authorization: Bearer <token>`` (accounts.ApiToken) or the browser
session (with CSRF).  Every error has one body::

    {"error": {"code": "not_found", "message": "…", "field": null, "details": {}}}
"""

from __future__ import annotations

from importlib import import_module

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from congvu.accounts.auth import api_auth
from congvu.core.errors import DomainError

api = NinjaAPI(
    title="Công Vụ API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    openapi_url="/openapi.json",
    docs_url="/docs",
)

# (prefix, module) — each module exposes ``router``.  Apps add themselves here.
ROUTERS: list[tuple[str, str]] = [
    ("/org/", "congvu.org.api"),
    ("/accounts/", "congvu.accounts.api"),
    ("/workforce/", "congvu.workforce.api"),
    ("/signing/", "congvu.signing.api"),
    ("/documents/", "congvu.documents.api"),
    ("/directives/", "congvu.directives.api"),
]


def error_body(code: str, message: str, *, field: str | None = None, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field, "details": details or {}}}


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, error_body(exc.code, str(exc), field=exc.field, details=exc.details),
                               status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form", "payload")]
        errors.append({"field": ".".join(loc) or None, "message": err.get("msg", "")})
    first = errors[0] if errors else {"field": None, "message": ""}
    message = _("Dữ liệu không hợp lệ: %(field)s — %(message)s") % {
        "field": first["field"] or "?", "message": first["message"]}
    return api.create_response(request, error_body("invalid", message, field=first["field"],
                                                   details={"errors": errors}), status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(request, error_body("unauthenticated", _("Cần đăng nhập hoặc khóa API hợp lệ.")),
                               status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Không tìm thấy.")), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


def _mount() -> None:
    for prefix, module in ROUTERS:
        api.add_router(prefix, import_module(module).router)


_mount()
