"""``congvu roster solve`` on JSON files: good input, every kind of bad input, no tracebacks."""

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

GOOD = {
    "period": {"start": "2026-12-01", "end": "2026-12-12"},
    "rules": {"max_onsite_ratio": 0.3333, "max_per_room": 2, "exempt_agencies": ["SYT"]},
    "agencies": [{"code": "SNV", "name": "Sở Nội vụ"}, {"code": "SYT", "name": "Sở Y tế"}],
    "rooms": [{"id": "SNV-101", "agency": "SNV", "capacity": 4}, {"id": "SYT-1", "agency": "SYT", "capacity": 3}],
    "staff": [{"id": f"s{i}", "agency": "SNV", "room": "SNV-101", "roles": ["van_thu"] if i == 0 else [],
               "must_stay_home": i == 5, "must_come_in": False} for i in range(7)]
    + [{"id": f"y{i}", "agency": "SYT", "room": "SYT-1"} for i in range(3)],
    "cover": [{"agency": "SNV", "role": "van_thu", "min_onsite": 1}],
}
# December 2026: 1-4 (Tue-Fri), 7-11 (Mon-Fri); 5, 6, 12 are weekend days
WORKING = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09",
           "2026-12-10", "2026-12-11"]


def run(tmp_path, data, *extra, raw=None):
    src = tmp_path / "in.json"
    if raw is not None:
        src.write_bytes(raw)
    else:
        src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    call_command("roster", "solve", "--input", str(src), "--output", str(out), "--time-limit", "5", *extra)
    return json.loads(out.read_text(encoding="utf-8"))


def test_solve_writes_one_entry_per_working_day(tmp_path):
    result = run(tmp_path, GOOD)
    assert result["status"] in ("optimal", "feasible")
    assert list(result["days"]) == WORKING
    for ids in result["days"].values():
        snv = [s for s in ids if s.startswith("s")]
        assert len(snv) == 2  # floor(0.3333 × 7) = 2, filled
        assert "s0" in ids and "s5" not in ids  # the clerk's desk is covered; s5 stays home
        assert {"y0", "y1", "y2"} <= set(ids)  # the exempt health department: no cap
    assert result["conflicts"] == []
    # the check command agrees
    (tmp_path / "plan.json").write_text(json.dumps(result), encoding="utf-8")
    call_command("roster", "check", "--input", str(tmp_path / "in.json"), "--plan", str(tmp_path / "plan.json"))


def test_fraction_ratio_and_nfd_names(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["rules"]["max_onsite_ratio"] = "1/3"
    data["agencies"][0]["name"] = unicodedata.normalize("NFD", "Sở Nội vụ")
    result = run(tmp_path, data)
    assert all(len([s for s in ids if s.startswith("s")]) == 2 for ids in result["days"].values())


def test_infeasible_writes_conflicts_and_exits_nonzero(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["staff"] = data["staff"][:2]  # an agency of 2 with ratio 1/3: cap 0, but a clerk must be on site
    with pytest.raises(CommandError) as exc:
        run(tmp_path, data)
    assert exc.value.returncode == 2
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert result["status"] == "infeasible"
    assert list(result["days"]) == WORKING and all(v == [] for v in result["days"].values())
    assert "trần tại trụ sở chỉ cho 0 người/ngày" in result["conflicts"][0]["message"]


def _bad(**changes):
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is KeyError:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return data


BAD = [
    (_bad(staff__0__room="SNV-999"), "unknown room"),
    (_bad(period={"start": "2026-12-12", "end": "2026-12-01"}), "before the start"),
    (_bad(period={"start": "2026-02-30", "end": "2026-03-01"}), "not a real calendar date"),
    (_bad(period={"start": "hôm qua", "end": "2026-03-01"}), "is not a date"),
    (_bad(period={"start": "2020-01-01", "end": "2026-03-01"}), "longer than 366 days"),
    (_bad(rules={"max_onsite_ratio": 1.5}), "between 0 and 1"),
    (_bad(rules={"max_onsite_ratio": -0.1}), "between 0 and 1"),
    (_bad(rules={"max_onsite_ratio": "nhiều"}), "is not a ratio"),
    (_bad(rules={"max_onsite_ratio": True}), "expected a number"),
    (_bad(rules={"max_onsite_ratio": "1/0"}), "is not a ratio"),
    (_bad(rules={"max_per_room": 0}), "between 1 and"),
    (_bad(rules={"max_per_room": "2"}), "whole number"),
    (_bad(rules={"exempt_agencies": ["SXX"]}), "unknown agency"),
    (_bad(rules={"typo": 1}), "unknown key"),
    (_bad(staff__1__id="s0"), "duplicate staff id"),
    (_bad(rooms__1__id="SNV-101"), "duplicate room id"),
    (_bad(agencies__1__code="SNV"), "duplicate agency code"),
    (_bad(staff__0__agency="SXX"), "unknown agency"),
    (_bad(staff__0__room="SYT-1"), "belongs to 'SYT'"),
    (_bad(staff__0__must_come_in=True, staff__0__must_stay_home=True), "cannot both"),
    (_bad(staff__0__must_come_in="yes"), "true or false"),
    (_bad(staff__0__roles="van_thu"), "expected a list"),
    (_bad(staff__0__id=""), "must not be empty"),
    (_bad(staff__0__id=12), "expected a text"),
    (_bad(rooms__0__capacity=0), "between 1 and"),
    (_bad(rooms__0__capacity=2.5), "whole number"),
    (_bad(cover__0__min_onsite=-1), "between 0 and"),
    (_bad(agencies=KeyError), "agencies: expected a list"),
    (_bad(period=KeyError), "period: expected an object"),
    ([1, 2, 3], "expected an object"),
]


@pytest.mark.parametrize("data,needle", BAD, ids=[n for _d, n in BAD])
def test_bad_input_is_a_clear_error(tmp_path, data, needle):
    with pytest.raises(CommandError) as exc:
        run(tmp_path, data)
    assert needle in str(exc.value)
    assert not (tmp_path / "out.json").exists()  # nothing half-written


@pytest.mark.parametrize("raw,needle", [
    (b"{not json", "malformed JSON"),
    (b"", "malformed JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[" * 100000, "malformed JSON"),
])
def test_malformed_files(tmp_path, raw, needle):
    with pytest.raises(CommandError) as exc:
        run(tmp_path, None, raw=raw)
    assert needle in str(exc.value)


def test_bad_arguments(tmp_path):
    (tmp_path / "in.json").write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(CommandError, match="no such file"):
        call_command("roster", "solve", "--input", str(tmp_path / "missing.json"), "--output", str(tmp_path / "o"))
    with pytest.raises(CommandError, match="not a number"):
        call_command("roster", "solve", "--input", str(tmp_path / "in.json"), "--output", str(tmp_path / "o"),
                     "--time-limit", "lâu")
    with pytest.raises(CommandError, match="between 0 and"):
        call_command("roster", "solve", "--input", str(tmp_path / "in.json"), "--output", str(tmp_path / "o"),
                     "--time-limit", "-3")
    with pytest.raises(CommandError, match="no such directory"):
        call_command("roster", "solve", "--input", str(tmp_path / "in.json"), "--output",
                     str(tmp_path / "nowhere" / "o.json"), "--time-limit", "2")


def test_check_reports_broken_plan(tmp_path, capsys):
    (tmp_path / "in.json").write_text(json.dumps(GOOD), encoding="utf-8")
    plan = {"days": {d: ["s1", "s2", "s3", "s5"] for d in WORKING}}
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("roster", "check", "--input", str(tmp_path / "in.json"), "--plan", str(tmp_path / "plan.json"))
    assert exc.value.returncode == 2
    out = capsys.readouterr().out
    assert "phải làm việc tại nhà" in out and "vượt trần 2" in out


def test_console_script_gives_message_not_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"period": {"start": "2026-12-12", "end": "2026-12-01"}, "agencies": []}', encoding="utf-8")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    proc = subprocess.run([str(Path(sys.executable).parent / "congvu"), "roster", "solve", "--input", str(bad),
                           "--output", str(tmp_path / "out.json")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 1
    assert "before the start" in proc.stderr
    assert "Traceback" not in proc.stderr
