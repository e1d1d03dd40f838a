"""Roster benchmark: 5,000 staff in 40 agencies and 800 rooms over 10 working days.

    .venv/bin/python bench/bench_roster.py [--staff 5000] [--agencies 40] [--rooms 800] [--days 10]
                                           [--time-limit 50] [--seed 1]

Generates a Gia Lai-like problem (at most 1/3 of each agency's staff on site, at most 2 per room,
the health department exempt, cover for the clerk's desk, a leader on duty and the one-stop desk,
some staff who must stay home or come in, some preferences), solves it
with the production solver (2 workers), re-checks every hard rule with ``check_plan`` and prints
the time and the fairness gap.  Needs no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from congvu.core.calendar import WorkCalendar  # noqa: E402
from congvu.workforce.solver import (  # noqa: E402
    Agency,
    Cover,
    Person,
    Preference,
    Problem,
    Room,
    Rules,
    check_plan,
    solve,
)


def generate(*, staff: int, agencies: int, rooms: int, days: int, seed: int) -> Problem:
    rng = random.Random(seed)
    calendar = WorkCalendar()
    start = dt.date(2026, 12, 1)
    work_days = calendar.working_days(start, start + dt.timedelta(days=60))[:days]
    codes = [f"A{i:02d}" for i in range(agencies)]
    # agency sizes vary (40 .. 2.5x the mean), summing to `staff`
    weights = [rng.uniform(0.4, 2.5) for _ in codes]
    sizes = [max(8, int(staff * w / sum(weights))) for w in weights]
    sizes[-1] += staff - sum(sizes)
    room_counts = [max(2, round(rooms * s / staff)) for s in sizes]
    room_counts[-1] += rooms - sum(room_counts)
    agency_rows, room_rows, people, cover, prefs = [], [], [], [], []
    exempt = {codes[0]}  # the health department
    for code, size, n_rooms in zip(codes, sizes, room_counts, strict=True):
        agency_rows.append(Agency(code, f"Sở {code}"))
        # staff sit in rooms roughly evenly (a room normally seats its occupants); a few rooms of one
        seats = [size // n_rooms + (1 if r < size % n_rooms else 0) for r in range(n_rooms)]
        agency_rooms = [Room(f"{code}-{100 + r}", code, 1 if seats[r] == 1 else seats[r] + rng.choice([0, 0, 1, 2]))
                        for r in range(n_rooms)]
        room_rows += agency_rooms
        seat_list = [room for room, n in zip(agency_rooms, seats, strict=True) for _ in range(n)]
        rng.shuffle(seat_list)
        for i in range(size):
            roles = {"chuyen_vien"}
            if i < 3:
                roles = {"lanh_dao"}
            elif i < 5:
                roles = {"van_thu"}
            elif i < 9:
                roles = {"mot_cua"}
            room = seat_list[i]
            r = rng.random()
            people.append(Person(
                id=f"{code}-{i:04d}", agency=code, room=room.id, roles=frozenset(roles),
                must_stay_home=(i >= 9 and r < 0.02), must_come_in=(i >= 9 and 0.02 <= r < 0.025),
                ))
            if rng.random() < 0.1:
                prefs.append(Preference(f"{code}-{i:04d}", rng.choice(work_days), rng.random() < 0.5))
        cover += [Cover(code, "van_thu", 1), Cover(code, "lanh_dao", 1), Cover(code, "mot_cua", 2)]
    rules = Rules(max_onsite_ratio=Fraction(1, 3), max_per_room=2, exempt_agencies=frozenset(exempt))
    return Problem(days=tuple(work_days), agencies=tuple(agency_rows), rooms=tuple(room_rows), staff=tuple(people),
                   rules=rules, cover=tuple(cover), preferences=tuple(prefs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--rooms", type=int, default=800)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    problem = generate(staff=args.staff, agencies=args.agencies, rooms=args.rooms, days=args.days, seed=args.seed)
    t_gen = time.monotonic() - t0
    t1 = time.monotonic()
    result = solve(problem, time_limit=args.time_limit, num_workers=2,
                   progress=lambda pct, note: print(f"  [{time.monotonic() - t1:6.1f}s] {pct:3d}% {note}"))
    elapsed = time.monotonic() - t1
    print(f"problem: {len(problem.staff)} staff, {len(problem.agencies)} agencies, {len(problem.rooms)} rooms, "
          f"{len(problem.days)} working days ({problem.days[0]} .. {problem.days[-1]}); generated in {t_gen:.1f}s")
    print(f"status: {result.status}; solve time (model + all stages): {elapsed:.1f}s")
    by_stage: dict[str, list[str]] = {}
    for info in result.stats.get("agencies", {}).values():
        for stage in info["stages"]:
            by_stage.setdefault(stage["stage"], []).append(stage["status"])
    for stage, statuses in by_stage.items():
        print(f"  stage {stage}: " + ", ".join(f"{s} x{statuses.count(s)}" for s in sorted(set(statuses))))
    if not result.ok:
        for conflict in result.conflicts:
            print("  conflict:", conflict.message_en)
        return 1
    t2 = time.monotonic()
    violations = check_plan(problem, result.days)
    print(f"check_plan: {len(violations)} violations ({time.monotonic() - t2:.1f}s)")
    gaps = result.stats["fairness_gap_by_agency"]
    print(f"on-site person-days: {result.stats['onsite_days']}; fairness gap: max {result.fairness_gap}, "
          f"agencies with gap <= 1: {sum(1 for g in gaps.values() if g <= 1)}/{len(gaps)}")
    ok = not violations and elapsed < 60
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
