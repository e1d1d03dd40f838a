"""Audit log, state machine, file store, calendar rows, workdays CLI, logging redaction, Celery task."""

import datetime as dt
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congvu.core import audit, services
from congvu.core.errors import Forbidden, TooLarge, UnsupportedType, ValidationFailed
from congvu.core.files import sniff_type, store_bytes
from congvu.core.logging import RedactSecretsFilter
from congvu.core.models import AuditEvent, CalendarDay, StoredFile
from congvu.core.selectors import work_calendar
from congvu.core.statemachine import StateMachine, Transition, TransitionNotAllowed
from congvu.org.models import Room

pytestmark = pytest.mark.django_db

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_audit_events_are_append_only(org):
    event = audit.record(action="test.thing", actor=org.snv_clerk.user, obj=org.snv, note="ghi chú",
                         changes={"a": [1, 2]})
    assert event.actor_label == "Trần Thị Văn Thư"
    assert event.agency_id == org.snv.pk
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert list(audit.history(org.snv)) == [event]


def test_audit_diff_and_snapshot(org):
    before = audit.snapshot(org.snv_room)
    org.snv_room.capacity = 3
    assert audit.diff(before, audit.snapshot(org.snv_room)) == {"capacity": [2, 3]}


FLOW = StateMachine(field="name", transitions=[
    Transition("open", source={"closed"}, target="opened", label="Mở"),
    Transition("lock", source={"opened"}, target="locked",
               guard=lambda obj, actor: actor == "boss" or "Chỉ lãnh đạo được khóa", requires_note=True),
])


def test_state_machine_applies_and_audits(org):
    room = Room.objects.create(agency=org.snv, code="SM1", name="closed")
    event = FLOW.apply(room, "open", actor=org.snv_clerk.user, note="mở phòng")
    room.refresh_from_db()
    assert room.name == "opened"
    assert (event.from_state, event.to_state, event.note) == ("closed", "opened", "mở phòng")
    with pytest.raises(TransitionNotAllowed):
        FLOW.apply(room, "open", actor=org.snv_clerk.user)
    with pytest.raises(Forbidden, match="Chỉ lãnh đạo"):
        FLOW.apply(room, "lock", actor="clerk", note="x")
    with pytest.raises(ValidationFailed):
        FLOW.apply(room, "lock", actor="boss", note="  ")
    assert [t.name for t in FLOW.available(room, "boss")] == ["lock"]
    assert FLOW.available(room, "clerk") == []
    room.refresh_from_db()
    assert room.name == "opened"


def test_file_store_deduplicates_and_enforces_limits(settings):
    first = store_bytes(MINIMAL_PDF)
    second = store_bytes(MINIMAL_PDF)
    assert first.pk == second.pk and StoredFile.objects.count() == 1
    assert first.content_type == "application/pdf"
    assert first.read() == MINIMAL_PDF
    assert len(first.sha256) == 64
    with pytest.raises(TooLarge):
        store_bytes(b"%PDF-" + b"0" * 2000, max_bytes=1000)
    with pytest.raises(UnsupportedType):
        store_bytes(b"MZ\x90\x00" + b"\x00" * 100)  # a Windows executable
    with pytest.raises(ValidationFailed):
        store_bytes(b"")
    # A PDF renamed .png is still a PDF; an HTML page declared as PDF is refused.
    with pytest.raises(UnsupportedType):
        store_bytes(b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert StoredFile.objects.count() == 1


def test_sniffing_recognises_office_files():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    data = buf.getvalue()
    assert sniff_type(data[:2048], io.BytesIO(data)).endswith("wordprocessingml.document")
    assert sniff_type(b"PK\x03\x04broken", io.BytesIO(b"PK\x03\x04broken")) == "application/octet-stream"
    assert sniff_type(b"\x89PNG\r\n\x1a\n....") == "image/png"


def test_calendar_rows_change_the_calendar(org):
    day = dt.date(2026, 11, 23)
    assert work_calendar(fresh=True).is_working_day(day)
    services.calendar_day_set(actor=org.admin.user, date=day, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ do bão")
    assert not work_calendar(fresh=True).is_working_day(day)
    assert AuditEvent.objects.filter(action="calendar.set").count() == 1
    with pytest.raises(ValidationFailed):
        services.calendar_day_set(actor=None, date=day, kind="holiday??", name="x")
    with pytest.raises(ValidationFailed):
        services.calendar_day_set(actor=None, date=day, kind=CalendarDay.Kind.DAY_OFF, name="   ")
    services.calendar_day_delete(actor=org.admin.user, date=day)
    assert work_calendar(fresh=True).is_working_day(day)


def _run(*args):
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_workdays_cli():
    assert _run("add", "2025-04-25", "1") == "2025-04-26\n"
    assert _run("add", "25/04/2025", "3") == "2025-04-29\n"  # the swapped Saturday 26/4 counts
    assert _run("add", "25/04/2025", "4") == "2025-05-05\n"  # skips 30/4, 1/5, 2/5 and the weekend
    assert _run("is-working", "2025-04-26") == "yes\n"
    assert _run("is-working", "ngày 30 tháng 4 năm 2025") == "no\n"
    assert _run("count", "2026-10-16", "2026-10-23") == "5\n"


@pytest.mark.parametrize("args", [
    ("add", "2025-02-30", "1"), ("add", "hôm nay", "1"), ("add", "2025-04-25", "0"), ("add", "2025-04-25", "-2"),
    ("add", "2025-04-25", "1.5"), ("add", "2025-04-25", "abc"), ("add", "2025-04-25", "99999999"),
    ("is-working", ""), ("is-working", "0001-01-01"),
])
def test_workdays_cli_bad_input(args):
    with pytest.raises(CommandError):
        _run(*args)


def test_log_filter_redacts_secrets():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login password=hunter2 pin: 1234 token=abc", (),
                               None)
    RedactSecretsFilter().filter(record)
    message = record.getMessage()
    assert "hunter2" not in message and "1234" not in message and "abc" not in message


def test_celery_tasks_run_eagerly(org):
    from congvu.core.tasks import housekeeping, ping

    assert ping.delay(41).get() == 42
    assert housekeeping.delay().get() == {"expired_tokens_deleted": 0}
