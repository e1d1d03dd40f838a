"""Request context (client IP, actor) for the audit log, kept per thread/task."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("congvu_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted only behind a configured proxy
    # (set REMOTE_ADDR there, e.g. with the proxy's real-IP module).
    return request.META.get("REMOTE_ADDR") or None


def current_request_context() -> RequestContext | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current.set(RequestContext(ip=client_ip(request),
                                            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class RejectNulBytesMiddleware:
    """Answer 400 to requests whose parameters contain NUL bytes.

    No text field may hold them (PostgreSQL refuses them outright), and no legitimate
    form or query ever sends them; refusing at the door keeps every input path safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        from django.http import HttpResponseBadRequest

        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("Tham số chứa ký tự không hợp lệ.")
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                values = [v for _k, vs in request.POST.lists() for v in vs]
            except Exception:  # noqa: BLE001 - malformed bodies are handled by the view/Django
                values = []
            if any("\x00" in v for v in values):
                return HttpResponseBadRequest("Dữ liệu chứa ký tự không hợp lệ.")
        return self.get_response(request)
