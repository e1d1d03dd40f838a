"""Running jobs at the same moment, each thread on its own database connection (PostgreSQL concurrency tests)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections


def require_postgres(what: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL: {what} are what is tested; run with DATABASE_URL=postgres://…")


def run_parallel(jobs) -> tuple[list, list[Exception]]:
    """Start ``jobs`` together (a barrier); their results in order, and the errors raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[Exception] = []

    def worker(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors
