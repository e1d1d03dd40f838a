"""Demo data: a demo PKI under DATA_DIR/signing/demo-pki and signing credentials for the demo city.

Every department head (``lanhdao.*``), the city's chair and vice-chair get a personal PKCS#12
credential with a demo signature image; every department and the People's Committee get an
organisation credential with a demo seal.  The demo password is the public ``demo`` (see
``pki.DEFAULT_PASSWORD``): demo credentials sign without asking for it while
CONGVU_SIGNING_DEMO is on.  Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from congvu.org.models import Agency, Staff

from . import appearance, conf, pki, services
from .models import Credential

LEADER_PREFIXES = ("lanhdao.",)
LEADERS = ("chutich.tp", "phochutich.tp")


def _leaders():
    from django.db.models import Q

    query = Q(user__username__in=LEADERS)
    for prefix in LEADER_PREFIXES:
        query |= Q(user__username__startswith=prefix)
    return list(Staff.objects.filter(query, is_active=True).select_related("user", "agency").order_by("pk"))


@transaction.atomic
def load() -> dict[str, int]:
    from congvu.org.demo import ROOT_CODE

    if Credential.objects.filter(is_demo=True).exists():
        return {"credentials": 0}
    leaders = _leaders()
    agencies = list(Agency.objects.filter(staff__in=leaders).distinct().order_by("pk"))
    root = Agency.objects.filter(code=ROOT_CODE, valid_to__isnull=True).first()
    if root is not None and root not in agencies:
        agencies.append(root)
    extra = [(f"staff-{s.user.username}", s.full_name, s.agency.name, s.user.email or "") for s in leaders]
    extra += [(f"agency-{a.pk}", a.name, a.name, a.email or "") for a in agencies]
    made = pki.make_demo_pki(conf.demo_pki_dir(), pki.DEFAULT_PASSWORD, extra=extra)
    count = 0
    for staff in leaders:
        data = made.files[f"staff-{staff.user.username}"].read_bytes()
        services.credential_add_pkcs12(actor=None, agency=staff.agency, staff=staff, label="Chứng thư cá nhân (demo)",
                                       p12=data, password=pki.DEFAULT_PASSWORD, is_demo=True,
                                       image=appearance.demo_signature_png(staff.full_name))
        count += 1
    for agency in agencies:
        data = made.files[f"agency-{agency.pk}"].read_bytes()
        services.credential_add_pkcs12(actor=None, agency=agency, staff=None, label="Chứng thư cơ quan (demo)",
                                       p12=data, password=pki.DEFAULT_PASSWORD, is_demo=True,
                                       image=appearance.demo_seal_png(agency.short_name))
        count += 1
    return {"credentials": count}
