"""Signing API: verify a PDF (multipart upload), read a stored report, list credentials."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from congvu.core.errors import TooLarge
from congvu.org import selectors as org_selectors

from . import services
from .models import Credential

router = Router(tags=["signing"])


class ReportOut(Schema):
    sha256: str
    file_name: str
    ok: bool
    verdict_code: str
    verdict: str
    signature_count: int
    created_at: dt.datetime
    report: dict[str, Any]


class CredentialOut(Schema):
    id: int
    label: str
    backend: str
    owner: str
    cert_common_name: str
    cert_issuer: str
    cert_serial: str
    cert_not_before: dt.datetime | None
    cert_not_after: dt.datetime | None
    is_active: bool
    is_demo: bool

    @staticmethod
    def resolve_owner(obj):
        return "agency" if obj.staff_id is None else "staff"


@router.post("/verify", response={201: ReportOut}, summary="Verify the signatures of an uploaded PDF")
def verify(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's declaration style
    if file.size and file.size > services.MAX_PDF:
        raise TooLarge("Tệp quá lớn: tối đa 50 MB.")
    row = services.verify_and_store(actor=request.auth, data=file.read(), file_name=file.name or "")
    return Status(201, row)


@router.get("/reports/{sha256}", response=ReportOut, summary="The stored verification report of a file")
def report(request, sha256: str):
    return services.report_for(request.auth, sha256)


@router.get("/credentials", response=list[CredentialOut], summary="My credentials and my agency's")
def credentials(request):
    staff = org_selectors.staff_of(request.auth)
    if staff is None:
        return []
    from django.db.models import Q

    return list(Credential.objects.filter(Q(staff=staff) | Q(agency=staff.agency, staff__isnull=True))
                .order_by("-is_active", "-created_at"))
