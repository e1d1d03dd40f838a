"""Concurrent issuance in one register on PostgreSQL: numbers gapless and unique, and the throughput.

    createdb -h 127.0.0.1 -U postgres congvu_bench_issue
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench_issue \
        .venv/bin/python bench/bench_documents_issue.py --documents 500 --threads 16
    dropdb -h 127.0.0.1 -U postgres congvu_bench_issue

500 approved outgoing documents (an uploaded PDF body each) of one agency are issued by 16 threads at
once, each thread with its own database connection and its own clerk, through ``services.issue`` (the
register row is locked with SELECT … FOR UPDATE; each issuance also writes its file version, audit event
and search row).  The script checks that the numbers are exactly 1..N and prints the throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
# What is measured is the register's numbering under contention: the approved PDFs here are unsigned, so the
# organisation signature is off (decision 0050); signing throughput is bench/bench_signing.py.
os.environ.setdefault("CONGVU_REQUIRE_SIGNATURES", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("run on a throw-away PostgreSQL database whose name contains 'bench' (see the docstring)")
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="congvu-bench-")
    call_command("migrate", verbosity=0)
    from weasyprint import HTML

    from congvu.core.files import store_bytes
    from congvu.documents import search, services
    from congvu.documents.models import Document, DocumentFile, Register
    from congvu.org.models import Agency, Role, Staff

    User = get_user_model()
    agency = Agency.objects.create(code="000.00.77.B99", name="Sở Thử phát hành", short_name="STPH")
    role = Role.objects.get_or_create(code=Role.VAN_THU, defaults={"name": "Văn thư"})[0]
    clerks = []
    for i in range(args.threads):
        user = User.objects.create(username=f"bench.vt{i}", full_name=f"Văn thư {i}")
        staff = Staff.objects.create(user=user, employee_code=f"BVT{i}", agency=agency)
        staff.roles.add(role)
        clerks.append(user)
    pdf = HTML(string="<p>Báo cáo tình hình thực hiện nhiệm vụ chuyển đổi số của cơ quan.</p>").write_pdf()
    stored = store_bytes(pdf)
    docs = [Document.objects.create(agency=agency, direction="outgoing", status="approved", doc_type="bao_cao",
                                    symbol="BC-STPH", issuer_name=agency.name, subject=f"Báo cáo số {i}")
            for i in range(args.documents)]
    for d in docs:
        DocumentFile.objects.create(document=d, version=1, file=stored, name="bao-cao.pdf", text="Báo cáo")
        search.reindex(d)
    work: queue.Queue = queue.Queue()
    for d in docs:
        work.put(d)
    errors: list[str] = []
    barrier = threading.Barrier(args.threads)

    def worker(user):
        try:
            barrier.wait()
            while True:
                try:
                    d = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    services.issue(actor=user, document=d)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(f"{d.pk}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(u,)) for u in clerks]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    numbers = sorted(Document.objects.filter(agency=agency, status="issued").values_list("number", flat=True))
    register = Register.objects.get(agency=agency, direction="outgoing", confidential=False)
    result = {"documents": args.documents, "threads": args.threads, "errors": len(errors),
              "elapsed_s": round(elapsed, 2), "issuances_per_s": round(len(numbers) / elapsed, 1),
              "gapless_and_unique": numbers == list(range(1, args.documents + 1)),
              "register_last_number": register.last_number}
    print(json.dumps(result, indent=2))
    if errors:
        print("\n".join(errors[:10]), file=sys.stderr)
    if not result["gapless_and_unique"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
