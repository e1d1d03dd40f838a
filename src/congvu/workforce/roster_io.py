"""Reading roster problems from JSON (the ``congvu roster solve`` input).  Pure Python.

Every check names the place of the fault (``staff[3].room``) so a person can fix the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from congvu.core.dates import DateParseError, parse_date
from congvu.core.text import normalize

from .solver import Agency, Cover, Person, Preference, Problem, Room, Rules

MAX_BYTES = 50 * 1024 * 1024
MAX_PERIOD_DAYS = 366
MAX_STAFF = 100_000
TOP_KEYS = {"period", "rules", "agencies", "rooms", "staff", "cover", "preferences"}
RULE_KEYS = {"max_onsite_ratio", "max_per_room", "exempt_agencies", "exempt_staff"}


class InputError(ValueError):
    """The input cannot be used; the message says where and why."""


def _obj(value: Any, where: str, keys: set[str] | None = None) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected an object")
    if keys is not None:
        unknown = sorted(set(value) - keys)
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    return value


def _list(value: Any, where: str, *, optional: bool = True) -> list:
    if value is None and optional:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}: expected a list")
    return value


def _text(value: Any, where: str, *, required: bool = True, max_len: int = 200) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a text")
    text = normalize(value).strip()
    if required and not text:
        raise InputError(f"{where}: must not be empty")
    if len(text) > max_len:
        raise InputError(f"{where}: longer than {max_len} characters")
    return text


def _int(value: Any, where: str, *, minimum: int, maximum: int = 1_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{where}: expected a whole number")
    if not minimum <= value <= maximum:
        raise InputError(f"{where}: must be between {minimum} and {maximum}")
    return value


def _bool(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"{where}: expected true or false")
    return value


def _date(value: Any, where: str) -> dt.date:
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a date such as \"2026-12-01\"")
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise InputError(f"{where}: {exc}") from None


def parse_ratio(value: Any, where: str = "rules.max_onsite_ratio") -> Fraction | None:
    """``0.3333``, ``"1/3"``, ``"50%"`` or null (no cap) → an exact fraction in [0, 1]."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a number between 0 and 1")
    try:
        if isinstance(value, int | float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            ratio = Fraction(str(value))
        elif isinstance(value, str):
            text = value.strip().replace(",", ".")
            if len(text) > 20:
                raise ValueError
            ratio = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
        else:
            raise ValueError
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{where}: {value!r} is not a ratio; write 0.3333, \"1/3\" or \"50%\"") from None
    if not 0 <= ratio <= 1:
        raise InputError(f"{where}: the ratio must be between 0 and 1 (got {value!r})")
    return ratio


def load_json(raw: bytes | str) -> dict:
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise InputError(f"input larger than {MAX_BYTES // (1024 * 1024)} MB")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("input is not UTF-8 text") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply") from None
    return _obj(data, "input", TOP_KEYS)


def parse_period(data: dict) -> tuple[dt.date, dt.date]:
    period = _obj(data.get("period"), "period", {"start", "end"})
    start = _date(period.get("start"), "period.start")
    end = _date(period.get("end"), "period.end")
    if end < start:
        raise InputError(f"period: the end {end.isoformat()} is before the start {start.isoformat()}")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InputError(f"period: longer than {MAX_PERIOD_DAYS} days")
    return start, end


def parse_problem(data: dict, working_days: Callable[[dt.date, dt.date], list[dt.date]]) -> Problem:
    """The whole problem; ``working_days(start, end)`` comes from the work calendar."""
    start, end = parse_period(data)
    days = working_days(start, end)
    rules_in = _obj(data.get("rules") or {}, "rules", RULE_KEYS)

    agencies: dict[str, Agency] = {}
    for i, row in enumerate(_list(data.get("agencies"), "agencies", optional=False)):
        where = f"agencies[{i}]"
        row = _obj(row, where, {"code", "name"})
        code = _text(row.get("code"), f"{where}.code", max_len=40)
        if code in agencies:
            raise InputError(f"{where}.code: duplicate agency code {code!r}")
        agencies[code] = Agency(code, _text(row.get("name"), f"{where}.name", required=False))

    rooms: dict[str, Room] = {}
    for i, row in enumerate(_list(data.get("rooms"), "rooms")):
        where = f"rooms[{i}]"
        row = _obj(row, where, {"id", "agency", "capacity", "name"})
        room_id = _text(row.get("id"), f"{where}.id", max_len=80)
        if room_id in rooms:
            raise InputError(f"{where}.id: duplicate room id {room_id!r}")
        agency = _text(row.get("agency"), f"{where}.agency", max_len=40)
        if agency not in agencies:
            raise InputError(f"{where}.agency: unknown agency {agency!r}")
        rooms[room_id] = Room(room_id, agency, _int(row.get("capacity"), f"{where}.capacity", minimum=1,
                                                    maximum=10_000),
                              _text(row.get("name"), f"{where}.name", required=False))

    staff_rows = _list(data.get("staff"), "staff")
    if len(staff_rows) > MAX_STAFF:
        raise InputError(f"staff: more than {MAX_STAFF} people")
    staff: dict[str, Person] = {}
    for i, row in enumerate(staff_rows):
        where = f"staff[{i}]"
        row = _obj(row, where, {"id", "agency", "room", "roles", "must_stay_home", "must_come_in", "cohort",
                                "name", "exempt"})
        sid = _text(row.get("id"), f"{where}.id", max_len=80)
        if sid in staff:
            raise InputError(f"{where}.id: duplicate staff id {sid!r}")
        agency = _text(row.get("agency"), f"{where}.agency", max_len=40)
        if agency not in agencies:
            raise InputError(f"{where}.agency: unknown agency {agency!r}")
        room_id = None
        if row.get("room") is not None:
            room_id = _text(row.get("room"), f"{where}.room", max_len=80)
            if room_id not in rooms:
                raise InputError(f"{where}.room: unknown room {room_id!r}")
            if rooms[room_id].agency != agency:
                raise InputError(f"{where}.room: room {room_id!r} belongs to {rooms[room_id].agency!r}, "
                                 f"not to {agency!r}")
        roles = frozenset(_text(r, f"{where}.roles[{j}]", max_len=40)
                          for j, r in enumerate(_list(row.get("roles"), f"{where}.roles")))
        home = _bool(row.get("must_stay_home"), f"{where}.must_stay_home")
        come = _bool(row.get("must_come_in"), f"{where}.must_come_in")
        if home and come:
            raise InputError(f"{where}: cannot both stay home and come in")
        cohort = _text(row.get("cohort"), f"{where}.cohort", required=False, max_len=40) or None
        staff[sid] = Person(sid, agency, room_id, roles, home, come, cohort,
                            _text(row.get("name"), f"{where}.name", required=False))
        _bool(row.get("exempt"), f"{where}.exempt")

    exempt_agencies = set()
    for j, code in enumerate(_list(rules_in.get("exempt_agencies"), "rules.exempt_agencies")):
        code = _text(code, f"rules.exempt_agencies[{j}]", max_len=40)
        if code not in agencies:
            raise InputError(f"rules.exempt_agencies[{j}]: unknown agency {code!r}")
        exempt_agencies.add(code)
    exempt_staff = {sid for sid, row in zip(staff, staff_rows, strict=True) if row.get("exempt")}
    for j, sid in enumerate(_list(rules_in.get("exempt_staff"), "rules.exempt_staff")):
        sid = _text(sid, f"rules.exempt_staff[{j}]", max_len=80)
        if sid not in staff:
            raise InputError(f"rules.exempt_staff[{j}]: unknown staff {sid!r}")
        exempt_staff.add(sid)
    max_per_room = rules_in.get("max_per_room")
    if max_per_room is not None:
        max_per_room = _int(max_per_room, "rules.max_per_room", minimum=1, maximum=10_000)
    rules = Rules(parse_ratio(rules_in.get("max_onsite_ratio")), max_per_room, frozenset(exempt_agencies),
                  frozenset(exempt_staff))

    cover = []
    for i, row in enumerate(_list(data.get("cover"), "cover")):
        where = f"cover[{i}]"
        row = _obj(row, where, {"agency", "role", "min_onsite"})
        agency = _text(row.get("agency"), f"{where}.agency", max_len=40)
        if agency not in agencies:
            raise InputError(f"{where}.agency: unknown agency {agency!r}")
        cover.append(Cover(agency, _text(row.get("role"), f"{where}.role", max_len=40),
                           _int(row.get("min_onsite"), f"{where}.min_onsite", minimum=0, maximum=10_000)))

    prefs = []
    for i, row in enumerate(_list(data.get("preferences"), "preferences")):
        where = f"preferences[{i}]"
        row = _obj(row, where, {"staff", "day", "on_site"})
        sid = _text(row.get("staff"), f"{where}.staff", max_len=80)
        if sid not in staff:
            raise InputError(f"{where}.staff: unknown staff {sid!r}")
        day = _date(row.get("day"), f"{where}.day")
        if not start <= day <= end:
            raise InputError(f"{where}.day: {day.isoformat()} is outside the period")
        if "on_site" not in row:
            raise InputError(f"{where}.on_site: expected true or false")
        prefs.append(Preference(sid, day, _bool(row.get("on_site"), f"{where}.on_site")))

    return Problem(days=tuple(days), agencies=tuple(agencies.values()), rooms=tuple(rooms.values()),
                   staff=tuple(staff.values()), rules=rules, cover=tuple(cover), preferences=tuple(prefs))
