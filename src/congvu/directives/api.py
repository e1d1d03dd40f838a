"""Directives API: read a document (uploaded file or posted text) into metadata and proposed tasks.

``POST /api/v1/directives/extract``

* ``multipart/form-data`` with a ``file`` (text, PDF with a text layer, DOCX), or
* ``application/json`` ``{"text": "...", "today": "YYYY-MM-DD"?}``.

Answers the reader's dict (``congvu.directives.extract``) — the same JSON as
``congvu extract FILE --json``.  Nothing is stored.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import Router

from congvu.core.dates import DateParseError, parse_date
from congvu.core.errors import TooLarge, UnsupportedType, ValidationFailed

from .extract import MAX_CHARS, MAX_FILE_BYTES, ExtractError, extract, extract_file
from .selectors import known_agencies

router = Router(tags=["directives"])

_UNSUPPORTED = {"unsupported_type", "binary", "no_text_layer"}


def _raise(exc: ExtractError):
    if exc.code == "too_large":
        raise TooLarge(exc.message, code=exc.code)
    if exc.code in _UNSUPPORTED:
        raise UnsupportedType(exc.message, code=exc.code)
    raise ValidationFailed(exc.message, code=exc.code)


@router.post("/extract", summary="Read a document: metadata and proposed tasks (file upload or JSON text)")
def extract_document(request):
    content_type = (request.content_type or "").lower()
    today = None
    try:
        if content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed(_("Thiếu tệp (trường “file”)."), field="file")
            if upload.size > MAX_FILE_BYTES:
                raise TooLarge(_("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                               field="file")
            raw_today = request.POST.get("today")
            data = upload.read()
        elif content_type in ("application/json", "text/json") or content_type.endswith("+json"):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                raise ValidationFailed(_("Nội dung JSON không hợp lệ.")) from None
            if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                raise ValidationFailed(_("Cần trường “text” là chuỗi ký tự."), field="text")
            raw_today = body.get("today")
            data = None
            text = body["text"]
            if len(text) > MAX_CHARS:
                raise TooLarge(_("Văn bản quá dài (tối đa %(n)s ký tự).") % {"n": f"{MAX_CHARS:,}".replace(",", ".")},
                               field="text")
        else:
            raise UnsupportedType(_("Gửi tệp (multipart/form-data, trường “file”) hoặc JSON {\"text\": …}."))
    except RequestDataTooBig:
        raise TooLarge(_("Yêu cầu quá lớn.")) from None
    if raw_today not in (None, ""):
        try:
            today = parse_date(str(raw_today))
        except DateParseError as exc:
            raise ValidationFailed(str(exc), field="today") from None
    agencies = known_agencies()
    try:
        if data is not None:
            return extract_file(data, agencies=agencies, today=today)
        return extract(text, agencies=agencies, today=today)
    except ExtractError as exc:
        _raise(exc)
