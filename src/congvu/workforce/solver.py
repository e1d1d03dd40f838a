"""The roster planner: who works on site and who from home, day by day.  Pure Python (no Django).

A :class:`Problem` holds the working days of a period, agencies, rooms, staff, the rules of the
day, the minimum cover per agency and role, fixed teams (cohorts) and preferences.  :func:`solve`
returns a :class:`Result` whose plan satisfies every hard rule, or no plan and the rules that
collide.  :func:`check_plan` re-checks any plan (the solver's, a hand-adjusted one, the
benchmark's) against every hard rule.

Hard rules
    * on-site cap per agency and day: ``floor(ratio × staff of the agency)`` non-exempt staff
      (exempt agencies and exempt staff are not counted; an exempt agency has no cap);
    * rooms: never more people than the room's capacity, and never more non-exempt people than
      ``max_per_room``;
    * ``must_stay_home`` never on site, ``must_come_in`` on site every working day;
    * cover: at least ``min_onsite`` staff with the role on site in the agency every working day;
    * cohorts: two different cohorts (fixed teams) of one agency are never on site the same day.

Objective, in lexicographic order, solved as successive CP-SAT solves (each stage keeps the
optimum of the previous one as a constraint and starts from its solution), one agency at a time
(every rule lives inside one agency); see docs/decisions/0010-roster-solver.md:
    1. fill the on-site places the rules allow (maximise the on-site person-days);
    2. fairness: minimise the gap between the most and the fewest on-site days of each agency's
       flexible staff (neither must-stay-home nor must-come-in), then each group's distance from
       the agency's mean;
    3. honour preferences, then avoid needless day-to-day switches (weighted so that one more
       honoured preference always outweighs every switch).
Stages 1-2 run on a model of groups of interchangeable people (same room, roles, cohort,
exemption, flags), which is exact; stage 3 runs on the model of persons.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "Agency", "Room", "Person", "Cover", "Preference", "Rules", "Problem", "Conflict", "Violation",
    "Result", "validate", "solve", "check_plan", "fairness_gaps", "ROLE_LABELS",
]

ROLE_LABELS = {
    "van_thu": "văn thư", "lanh_dao": "lãnh đạo", "lanh_dao_don_vi": "lãnh đạo đơn vị",
    "mot_cua": "cán bộ một cửa", "chuyen_vien": "chuyên viên", "admin": "quản trị",
}


# --- the problem -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Agency:
    code: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Room:
    id: str
    agency: str
    capacity: int
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Person:
    id: str
    agency: str
    room: str | None = None
    roles: frozenset[str] = frozenset()
    must_stay_home: bool = False
    must_come_in: bool = False
    cohort: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cover:
    agency: str
    role: str
    min_onsite: int


@dataclass(frozen=True)
class Preference:
    staff: str
    day: dt.date
    on_site: bool


@dataclass(frozen=True)
class Rules:
    max_onsite_ratio: Fraction | None = None  # None: no share cap
    max_per_room: int | None = None  # None: only the room's capacity
    exempt_agencies: frozenset[str] = frozenset()
    exempt_staff: frozenset[str] = frozenset()


@dataclass
class Problem:
    days: tuple[dt.date, ...]
    agencies: tuple[Agency, ...]
    rooms: tuple[Room, ...]
    staff: tuple[Person, ...]
    rules: Rules = field(default_factory=Rules)
    cover: tuple[Cover, ...] = ()
    preferences: tuple[Preference, ...] = ()

    def __post_init__(self) -> None:
        self.days = tuple(sorted(set(self.days)))
        self.agency_by_code = {a.code: a for a in self.agencies}
        self.room_by_id = {r.id: r for r in self.rooms}
        self.person_by_id = {p.id: p for p in self.staff}
        self.staff_of_agency: dict[str, list[Person]] = defaultdict(list)
        self.staff_of_room: dict[str, list[Person]] = defaultdict(list)
        for p in self.staff:
            self.staff_of_agency[p.agency].append(p)
            if p.room is not None:
                self.staff_of_room[p.room].append(p)

    # derived rules
    def agency_exempt(self, code: str) -> bool:
        return code in self.rules.exempt_agencies

    def is_exempt(self, person: Person) -> bool:
        return person.id in self.rules.exempt_staff or person.agency in self.rules.exempt_agencies

    def cap(self, agency: str) -> int | None:
        """Most non-exempt staff of ``agency`` on site per day (None: no cap)."""
        ratio = self.rules.max_onsite_ratio
        if ratio is None or self.agency_exempt(agency):
            return None
        return math.floor(ratio * len(self.staff_of_agency.get(agency, ())))

    def room_limit(self, room: Room) -> int:
        """Most non-exempt people in ``room`` at once."""
        mpr = self.rules.max_per_room
        return room.capacity if mpr is None else min(room.capacity, mpr)

    def flexible(self, person: Person) -> bool:
        return not person.must_come_in and not person.must_stay_home


# --- answers ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conflict:
    """Rules that cannot all hold, in words a person can act on."""

    code: str
    where: str
    message: str  # Vietnamese
    message_en: str
    rules: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"code": self.code, "where": self.where, "message": self.message, "message_en": self.message_en,
                "rules": list(self.rules)}


@dataclass(frozen=True)
class Violation:
    """A hard rule a plan breaks."""

    code: str
    where: str
    day: dt.date | None
    message: str
    message_en: str

    def as_dict(self) -> dict:
        return {"code": self.code, "where": self.where, "day": self.day.isoformat() if self.day else None,
                "message": self.message, "message_en": self.message_en}


@dataclass
class Result:
    status: str  # optimal | feasible | infeasible | unknown
    days: dict[dt.date, list[str]]
    conflicts: list[Conflict]
    stats: dict

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def fairness_gap(self) -> int | None:
        return self.stats.get("fairness_gap")

    def as_json(self) -> dict:
        return {"status": self.status,
                "days": {d.isoformat(): list(ids) for d, ids in self.days.items()},
                "conflicts": [c.as_dict() for c in self.conflicts],
                "stats": self.stats}


# --- validation before solving ---------------------------------------------------------------------
def _fmt_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _role(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def validate(problem: Problem) -> list[Conflict]:
    """Collisions visible without solving: each names the rule and the place."""
    out: list[Conflict] = []
    # rooms: staff who must come in exceed the room
    for room in problem.rooms:
        members = problem.staff_of_room.get(room.id, [])
        forced = [p for p in members if p.must_come_in]
        forced_limited = [p for p in forced if not problem.is_exempt(p)]
        limit = problem.room_limit(room)
        if len(forced) > room.capacity or len(forced_limited) > limit:
            n, cap = (len(forced), room.capacity) if len(forced) > room.capacity else (len(forced_limited), limit)
            out.append(Conflict(
                "room_must_come_in", room.id,
                f"Phòng {room.label} có {n} người bắt buộc có mặt nhưng chỉ được {cap} người.",
                f"Room {room.label} has {n} staff who must come in but holds {cap}.",
                (f"room:{room.id}", "must_come_in")))
    for agency in problem.agencies:
        members = problem.staff_of_agency.get(agency.code, [])
        cap = problem.cap(agency.code)
        forced = [p for p in members if p.must_come_in and not problem.is_exempt(p)]
        if cap is not None and len(forced) > cap:
            out.append(Conflict(
                "cap_must_come_in", agency.code,
                f"{agency.label}: {len(forced)} người bắt buộc có mặt nhưng trần tại trụ sở là {cap} người/ngày "
                f"({len(members)} cán bộ × tỷ lệ {problem.rules.max_onsite_ratio}).",
                f"{agency.label}: {len(forced)} staff must come in but the on-site cap is {cap} per day.",
                (f"cap:{agency.code}", "must_come_in")))
        cohorts_forced = {p.cohort for p in members if p.must_come_in and p.cohort}
        if len(cohorts_forced) > 1:
            names = ", ".join(sorted(cohorts_forced))
            out.append(Conflict(
                "cohort_must_come_in", agency.code,
                f"{agency.label}: các nhóm cố định {names} đều có người bắt buộc có mặt hằng ngày, "
                "nhưng các nhóm không được gặp nhau tại trụ sở.",
                f"{agency.label}: cohorts {names} all have staff who must come in every day, "
                "but cohorts never meet on site.",
                (f"cohort:{agency.code}", "must_come_in")))
    for cover in problem.cover:
        agency = problem.agency_by_code.get(cover.agency)
        label = agency.label if agency else cover.agency
        holders = [p for p in problem.staff_of_agency.get(cover.agency, []) if cover.role in p.roles]
        available = [p for p in holders if not p.must_stay_home]
        rules = (f"cover:{cover.agency}:{cover.role}",)
        if len(available) < cover.min_onsite:
            out.append(Conflict(
                "cover_not_enough_staff", cover.agency,
                f"{label}: cần ít nhất {cover.min_onsite} {_role(cover.role)} tại trụ sở mỗi ngày nhưng chỉ có "
                f"{len(available)} người có thể đến.",
                f"{label}: cover needs {cover.min_onsite} {cover.role} on site every day but only "
                f"{len(available)} can come in.", rules + ("must_stay_home",)))
            continue
        cap = problem.cap(cover.agency)
        exempt_available = [p for p in available if problem.is_exempt(p)]
        if cap is not None and cap + len(exempt_available) < cover.min_onsite:
            out.append(Conflict(
                "cover_over_cap", cover.agency,
                f"{label}: cần ít nhất {cover.min_onsite} {_role(cover.role)} tại trụ sở mỗi ngày nhưng trần tại "
                f"trụ sở chỉ cho {cap} người/ngày ({len(problem.staff_of_agency[cover.agency])} cán bộ × tỷ lệ "
                f"{problem.rules.max_onsite_ratio}).",
                f"{label}: cover needs {cover.min_onsite} {cover.role} on site every day but the on-site cap "
                f"allows {cap} per day.", rules + (f"cap:{cover.agency}",)))
            continue
        by_room: dict[str | None, list[Person]] = defaultdict(list)
        for p in available:
            by_room[p.room].append(p)
        reachable = 0
        for room_id, people in by_room.items():
            room = problem.room_by_id.get(room_id) if room_id else None
            if room is None:
                reachable += len(people)
            else:
                free = [p for p in people if problem.is_exempt(p)]
                reachable += min(room.capacity, len(free) + min(problem.room_limit(room), len(people) - len(free)))
        if reachable < cover.min_onsite:
            out.append(Conflict(
                "cover_over_rooms", cover.agency,
                f"{label}: cần ít nhất {cover.min_onsite} {_role(cover.role)} tại trụ sở mỗi ngày nhưng phòng làm "
                f"việc của họ chỉ chứa được {reachable} người.",
                f"{label}: cover needs {cover.min_onsite} {cover.role} on site but their rooms hold {reachable}.",
                rules + ("rooms",)))
    return out


# --- checking a plan -------------------------------------------------------------------------------
def check_plan(problem: Problem, plan: Mapping[dt.date, Iterable[str]]) -> list[Violation]:
    """Every hard rule ``plan`` (day -> ids of staff on site) breaks; empty when it holds them all."""
    out: list[Violation] = []
    plan_days = set(plan)
    for day in sorted(set(problem.days) - plan_days):
        out.append(Violation("missing_day", "", day, f"Thiếu ngày làm việc {_fmt_day(day)}.",
                             f"Working day {day} is missing."))
    for day in sorted(plan_days - set(problem.days)):
        out.append(Violation("extra_day", "", day, f"Ngày {_fmt_day(day)} không phải ngày làm việc của kỳ.",
                             f"{day} is not a working day of the period."))
    for day in problem.days:
        if day not in plan:
            continue
        ids = list(plan[day])
        onsite = set(ids)
        if len(onsite) != len(ids):
            out.append(Violation("duplicate", "", day, "Một người được xếp hai lần trong cùng ngày.",
                                 "A person is listed twice on one day."))
        for sid in sorted(onsite - set(problem.person_by_id)):
            out.append(Violation("unknown_staff", sid, day, f"Không có cán bộ mã {sid}.", f"Unknown staff {sid}."))
        for p in problem.staff:
            if p.must_stay_home and p.id in onsite:
                out.append(Violation("must_stay_home", p.id, day,
                                     f"{p.label} phải làm việc tại nhà nhưng được xếp đến trụ sở ngày {_fmt_day(day)}.",
                                     f"{p.label} must stay home but is on site on {day}."))
            if p.must_come_in and p.id not in onsite:
                out.append(Violation("must_come_in", p.id, day,
                                     f"{p.label} bắt buộc có mặt nhưng được xếp ở nhà ngày {_fmt_day(day)}.",
                                     f"{p.label} must come in but is at home on {day}."))
        for agency in problem.agencies:
            members = problem.staff_of_agency.get(agency.code, [])
            cap = problem.cap(agency.code)
            if cap is not None:
                counted = sum(1 for p in members if p.id in onsite and not problem.is_exempt(p))
                if counted > cap:
                    out.append(Violation("cap", agency.code, day,
                                         f"{agency.label}: {counted} người tại trụ sở ngày {_fmt_day(day)}, "
                                         f"vượt trần {cap}.",
                                         f"{agency.label}: {counted} on site on {day}, over the cap of {cap}."))
            cohorts = {p.cohort for p in members if p.cohort and p.id in onsite}
            if len(cohorts) > 1:
                out.append(Violation("cohort", agency.code, day,
                                     f"{agency.label}: các nhóm {', '.join(sorted(cohorts))} cùng có mặt tại trụ sở "
                                     f"ngày {_fmt_day(day)}.",
                                     f"{agency.label}: cohorts {', '.join(sorted(cohorts))} meet on site on {day}."))
        for room in problem.rooms:
            members = [p for p in problem.staff_of_room.get(room.id, []) if p.id in onsite]
            limited = [p for p in members if not problem.is_exempt(p)]
            limit = problem.room_limit(room)
            if len(members) > room.capacity or len(limited) > limit:
                n = len(members) if len(members) > room.capacity else len(limited)
                allowed = room.capacity if len(members) > room.capacity else limit
                out.append(Violation("room", room.id, day,
                                     f"Phòng {room.label}: {n} người ngày {_fmt_day(day)}, tối đa {allowed}.",
                                     f"Room {room.label}: {n} people on {day}, at most {allowed}."))
        for cover in problem.cover:
            n = sum(1 for p in problem.staff_of_agency.get(cover.agency, [])
                    if cover.role in p.roles and p.id in onsite)
            if n < cover.min_onsite:
                agency = problem.agency_by_code.get(cover.agency)
                label = agency.label if agency else cover.agency
                out.append(Violation("cover", f"{cover.agency}:{cover.role}", day,
                                     f"{label}: chỉ có {n} {_role(cover.role)} tại trụ sở ngày {_fmt_day(day)}, "
                                     f"cần ít nhất {cover.min_onsite}.",
                                     f"{label}: {n} {cover.role} on site on {day}, "
                                     f"at least {cover.min_onsite} needed."))
    return out


def fairness_gaps(problem: Problem, plan: Mapping[dt.date, Iterable[str]]) -> dict[str, int]:
    """Per agency: most minus fewest on-site days among its flexible staff."""
    count: dict[str, int] = defaultdict(int)
    for ids in plan.values():
        for sid in ids:
            count[sid] += 1
    gaps: dict[str, int] = {}
    for code, members in problem.staff_of_agency.items():
        days = [count[p.id] for p in members if problem.flexible(p)]
        if days:
            gaps[code] = max(days) - min(days)
    return gaps


# --- the CP-SAT model ------------------------------------------------------------------------------
class _Model:
    """CP-SAT variables and constraints.  With ``diagnose`` each rule is guarded by a literal."""

    def __init__(self, problem: Problem, *, diagnose: bool = False) -> None:
        from ortools.sat.python import cp_model

        self.cp_model = cp_model
        self.problem = problem
        m = self.model = cp_model.CpModel()
        self.assumptions: dict[object, tuple[str, str, str]] = {}  # literal -> (rule, vi, en)
        self.cohort_vars: list[tuple[str, int, object]] = []
        days = problem.days
        self.x: dict[str, list] = {p.id: [m.NewBoolVar(f"x_{i}_{d}") for d in range(len(days))]
                                   for i, p in enumerate(problem.staff)}

        def guard(key: str, vi: str, en: str):
            if not diagnose:
                return None
            lit = m.NewBoolVar(key)
            self.assumptions[lit] = (key, vi, en)
            return lit

        def add(constraint, lit):
            if lit is not None:
                constraint.OnlyEnforceIf(lit)

        for p in problem.staff:
            if p.must_stay_home:
                lit = guard(f"must_stay_home:{p.id}", f"{p.label} phải làm việc tại nhà",
                            f"{p.label} must stay home")
                for v in self.x[p.id]:
                    add(m.Add(v == 0), lit)
            if p.must_come_in:
                lit = guard(f"must_come_in:{p.id}", f"{p.label} bắt buộc có mặt hằng ngày",
                            f"{p.label} must come in every day")
                for v in self.x[p.id]:
                    add(m.Add(v == 1), lit)
        for agency in problem.agencies:
            members = problem.staff_of_agency.get(agency.code, [])
            cap = problem.cap(agency.code)
            counted = [p for p in members if not problem.is_exempt(p)]
            if cap is not None and counted and cap < len(counted):
                lit = guard(f"cap:{agency.code}", f"trần tại trụ sở của {agency.label}: {cap} người/ngày",
                            f"on-site cap of {agency.label}: {cap} per day")
                for d in range(len(days)):
                    add(m.Add(sum(self.x[p.id][d] for p in counted) <= cap), lit)
            cohorts = sorted({p.cohort for p in members if p.cohort})
            if len(cohorts) > 1:
                lit = guard(f"cohort:{agency.code}", f"các nhóm cố định của {agency.label} không gặp nhau",
                            f"cohorts of {agency.label} never meet on site")
                for d in range(len(days)):
                    c = {name: m.NewBoolVar(f"c_{agency.code}_{name}_{d}") for name in cohorts}
                    self.cohort_vars += [(name, d, var) for name, var in c.items()]
                    for p in members:
                        if p.cohort:
                            add(m.AddImplication(self.x[p.id][d], c[p.cohort]), lit)
                    add(m.Add(sum(c.values()) <= 1), lit)
        for room in problem.rooms:
            members = problem.staff_of_room.get(room.id, [])
            limited = [p for p in members if not problem.is_exempt(p)]
            limit = problem.room_limit(room)
            if len(members) <= room.capacity and len(limited) <= limit:
                continue
            lit = guard(f"room:{room.id}", f"phòng {room.label}: tối đa {limit} người",
                        f"room {room.label}: at most {limit} people")
            for d in range(len(days)):
                if len(members) > room.capacity:
                    add(m.Add(sum(self.x[p.id][d] for p in members) <= room.capacity), lit)
                if len(limited) > limit:
                    add(m.Add(sum(self.x[p.id][d] for p in limited) <= limit), lit)
        for cover in problem.cover:
            holders = [p for p in problem.staff_of_agency.get(cover.agency, []) if cover.role in p.roles]
            agency = problem.agency_by_code.get(cover.agency)
            label = agency.label if agency else cover.agency
            if cover.min_onsite <= 0:
                continue
            lit = guard(f"cover:{cover.agency}:{cover.role}",
                        f"{label} cần ít nhất {cover.min_onsite} {_role(cover.role)} tại trụ sở",
                        f"{label} needs at least {cover.min_onsite} {cover.role} on site")
            for d in range(len(days)):
                add(m.Add(sum(self.x[p.id][d] for p in holders) >= cover.min_onsite), lit)

    def plan(self, solver) -> dict[dt.date, list[str]]:
        out: dict[dt.date, list[str]] = {day: [] for day in self.problem.days}
        for p in self.problem.staff:
            for d, v in enumerate(self.x[p.id]):
                if solver.BooleanValue(v):
                    out[self.problem.days[d]].append(p.id)
        return out


FILL_FLOOR_SECONDS = 2.0


def _solver(time_limit: float, num_workers: int, seed: int = 0):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = seed
    return solver


def _diagnose(problem: Problem, time_limit: float) -> list[Conflict]:
    """Name a small set of rules that cannot hold together (CP-SAT assumptions)."""
    diag = _Model(problem, diagnose=True)
    lits = list(diag.assumptions)
    deadline = time.monotonic() + time_limit

    def infeasible_core(active: list) -> list | None:
        diag.model.ClearAssumptions()
        diag.model.AddAssumptions(active)
        solver = _solver(max(0.1, min(10.0, deadline - time.monotonic())), 1)
        status = solver.Solve(diag.model)
        if status != diag.cp_model.INFEASIBLE:
            return None
        idx = set(solver.SufficientAssumptionsForInfeasibility())
        return [lit for lit in active if lit.Index() in idx] or active

    core = infeasible_core(lits)
    if core is None:
        return [Conflict("no_plan_found", "", "Không tìm được phương án trong thời gian cho phép.",
                         "No plan was found within the time limit.")]
    # shrink by deletion while time allows, so the message names only rules that really collide
    i = 0
    while i < len(core) and len(core) > 1 and time.monotonic() < deadline and i < 40:
        trial = core[:i] + core[i + 1:]
        smaller = infeasible_core(trial)
        if smaller is not None:
            core = smaller
        else:
            i += 1
    parts = [diag.assumptions[lit] for lit in core]
    keys = tuple(p[0] for p in parts)
    where = ", ".join(sorted({k.split(":")[1] for k in keys if ":" in k}))
    return [Conflict("rules_collide", where,
                     "Các quy tắc sau không thể cùng được đáp ứng: " + "; ".join(p[1] for p in parts) + ".",
                     "These rules cannot all hold: " + "; ".join(p[2] for p in parts) + ".", keys)]


def _subproblem(problem: Problem, agency: Agency) -> Problem:
    staff = tuple(problem.staff_of_agency.get(agency.code, ()))
    ids = {p.id for p in staff}
    return Problem(days=problem.days, agencies=(agency,),
                   rooms=tuple(r for r in problem.rooms if r.agency == agency.code), staff=staff,
                   rules=problem.rules, cover=tuple(c for c in problem.cover if c.agency == agency.code),
                   preferences=tuple(p for p in problem.preferences if p.staff in ids))


def solve(problem: Problem, *, time_limit: float = 30.0, num_workers: int = 2,
          progress: Callable[[int, str], None] | None = None, seed: int = 0) -> Result:
    """Plan the period.  Never returns a plan that breaks a hard rule.

    Every hard rule and every objective term lives inside one agency (rooms belong to one agency),
    so the problem splits exactly into one model per agency, solved one after the other; time an
    agency does not use goes to the next ones.
    """
    started = time.monotonic()
    deadline = started + max(0.5, float(time_limit))
    report = progress or (lambda pct, note: None)
    stats: dict = {"staff": len(problem.staff), "days": len(problem.days), "agencies": {}}

    report(2, "Kiểm tra quy tắc")
    conflicts = validate(problem)
    if conflicts:
        stats["seconds"] = round(time.monotonic() - started, 3)
        return Result("infeasible", {}, conflicts, stats)
    plan: dict[dt.date, list[str]] = {day: [] for day in problem.days}
    if not problem.days or not problem.staff:
        stats.update(seconds=round(time.monotonic() - started, 3), onsite_days=0, fairness_gap=0,
                     fairness_gap_by_agency={})
        return Result("optimal", plan, [], stats)

    agencies = [a for a in problem.agencies if problem.staff_of_agency.get(a.code)]
    agencies.sort(key=lambda a: -len(problem.staff_of_agency[a.code]))
    remaining_staff = sum(len(problem.staff_of_agency[a.code]) for a in agencies)
    statuses: list[str] = []
    all_conflicts: list[Conflict] = []
    for n, agency in enumerate(agencies):
        size = len(problem.staff_of_agency[agency.code])
        budget = max(0.2, (deadline - time.monotonic()) * size / max(1, remaining_staff))
        remaining_staff -= size
        report(5 + int(90 * n / len(agencies)), f"Đang lập cho {agency.label} ({n + 1}/{len(agencies)})")
        status, sub_plan, sub_conflicts, stages = _solve_agency(
            _subproblem(problem, agency), time.monotonic() + budget, num_workers, seed)
        stats["agencies"][agency.code] = {"status": status, "stages": stages}
        statuses.append(status)
        all_conflicts += sub_conflicts
        if sub_plan is not None:
            for day, ids in sub_plan.items():
                plan[day].extend(ids)
    stats["seconds"] = round(time.monotonic() - started, 3)
    if all_conflicts or any(s in ("infeasible", "unknown") for s in statuses):
        status = "infeasible" if "infeasible" in statuses else "unknown"
        return Result(status, {}, all_conflicts, stats)

    violations = check_plan(problem, plan)
    if violations:  # defensive: never hand out a broken plan
        raise AssertionError(f"solver produced a plan that breaks rules: {violations[:3]}")
    gap_by_agency = fairness_gaps(problem, plan)
    stats.update(onsite_days=sum(len(v) for v in plan.values()),
                 fairness_gap=max(gap_by_agency.values(), default=0), fairness_gap_by_agency=gap_by_agency)
    report(100, "Hoàn thành")
    return Result("optimal" if all(s == "optimal" for s in statuses) else "feasible",
                  {d: sorted(v) for d, v in plan.items()}, [], stats)


@dataclass
class _Group:
    """People interchangeable for every hard rule: same room, roles, cohort, exemption and flags."""

    key: tuple
    members: list[Person]
    exempt: bool

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def flexible(self) -> bool:
        return not self.head.must_come_in and not self.head.must_stay_home


def _groups(problem: Problem) -> list[_Group]:
    groups: dict[tuple, _Group] = {}
    for p in problem.staff:
        exempt = problem.is_exempt(p)
        key = (p.room, p.roles, p.cohort, exempt, p.must_stay_home, p.must_come_in)
        groups.setdefault(key, _Group(key, [], exempt)).members.append(p)
    return list(groups.values())


def _deal(members: list[Person], seats: list[int]) -> dict[str, list[int]]:
    """Give a group's seats of each day to its members: everyone floor or ceil of the mean, in blocks.

    Each day the seats go to the members with the most days still owed (Ryser's construction, which
    always succeeds for such balanced quotas); among equals, to those on site the day before."""
    total, n, n_days = sum(seats), len(members), len(seats)
    owed = {p.id: total // n + (1 if i < total % n else 0) for i, p in enumerate(members)}
    out = {p.id: [0] * n_days for p in members}
    for d, k in enumerate(seats):
        order = sorted(owed, key=lambda sid: (-owed[sid], -(out[sid][d - 1] if d else 0), sid))
        for sid in order[:k]:
            out[sid][d] = 1
            owed[sid] -= 1
    return out


def _solve_agency(problem: Problem, deadline: float, num_workers: int, seed: int):
    """(status, plan or None, conflicts, stage stats) for a problem of one agency.

    Fill and fairness are solved on a model of interchangeable groups (a group's count per day; a
    person's days are then dealt out within the group, floor or ceil of its mean, so the group model is
    exact); preferences and switches on a model of persons, starting from that plan."""
    from ortools.sat.python import cp_model

    stages: list[dict] = []
    optimal = True
    days = problem.days
    n_days = len(days)
    groups = _groups(problem)
    m = cp_model.CpModel()
    n = {id(g): [m.NewIntVar(0 if not g.head.must_come_in else g.size,
                             0 if g.head.must_stay_home else g.size, "") for _ in days] for g in groups}
    agency = problem.agencies[0]
    cap = problem.cap(agency.code)
    counted = [g for g in groups if not g.exempt]
    for d in range(n_days):
        if cap is not None and sum(g.size for g in counted) > cap:
            m.Add(sum(n[id(g)][d] for g in counted) <= cap)
        for room in problem.rooms:
            in_room = [g for g in groups if g.head.room == room.id]
            if sum(g.size for g in in_room) > room.capacity:
                m.Add(sum(n[id(g)][d] for g in in_room) <= room.capacity)
            limited = [g for g in in_room if not g.exempt]
            if sum(g.size for g in limited) > problem.room_limit(room):
                m.Add(sum(n[id(g)][d] for g in limited) <= problem.room_limit(room))
        for cover in problem.cover:
            if cover.min_onsite > 0:
                m.Add(sum(n[id(g)][d] for g in groups if cover.role in g.head.roles) >= cover.min_onsite)
        cohorts = sorted({g.head.cohort for g in groups if g.head.cohort})
        if len(cohorts) > 1:
            c = {name: m.NewBoolVar("") for name in cohorts}
            for g in groups:
                if g.head.cohort:
                    m.Add(n[id(g)][d] <= g.size * c[g.head.cohort])
            m.Add(sum(c.values()) <= 1)

    def run(stage: str, share: float, model=None, floor: float = 0.0):
        nonlocal optimal
        solver = _solver(max(floor, (deadline - time.monotonic()) * share), num_workers, seed)
        t0 = time.monotonic()
        status = solver.Solve(model or m)
        entry = {"stage": stage, "status": solver.StatusName(status), "seconds": round(time.monotonic() - t0, 3)}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            entry["objective"] = solver.ObjectiveValue()
            entry["bound"] = solver.BestObjectiveBound()
        stages.append(entry)
        if status != cp_model.OPTIMAL:
            optimal = False
        return solver, status

    def hint_from(solver) -> None:
        m.ClearHints()
        for g in groups:
            for v in n[id(g)]:
                m.AddHint(v, solver.Value(v))

    # stage 1: fill the allowed on-site places
    all_n = [v for g in groups for v in n[id(g)]]
    fill = sum(all_n)
    m.Maximize(fill)
    # The first stage gets at least FILL_FLOOR_SECONDS even when the agency's share of the time limit is
    # smaller: a first plan matters more than a late one, and a busy machine must not turn a small,
    # easy agency into "no plan found".
    solver, status = run("fill", 0.25, floor=FILL_FLOOR_SECONDS)
    if status == cp_model.INFEASIBLE:
        return "infeasible", None, _diagnose(problem, max(2.0, deadline - time.monotonic())), stages
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", None, [Conflict(
            "no_plan_found", agency.code,
            f"{agency.label}: chưa tìm được phương án trong thời gian cho phép; hãy tăng thời gian.",
            f"{agency.label}: no plan found within the time limit; allow more time.")], stages
    filled = int(round(solver.ObjectiveValue()))
    m.Add(fill >= filled)
    counts = {id(g): [solver.Value(v) for v in n[id(g)]] for g in groups}
    hint_from(solver)

    # stage 2: fairness — the gap between the most and the fewest days of the flexible staff, then
    # everyone's distance from the mean (a person of group g has floor or ceil of T_g / size_g days)
    flex_groups = [g for g in groups if g.flexible]
    n_flex = sum(g.size for g in flex_groups)
    gap_bound = None
    if n_flex >= 2:
        flex_total = filled - n_days * sum(g.size for g in groups if g.head.must_come_in)
        hi = m.NewIntVar(0, n_days, "hi")
        lo = m.NewIntVar(0, n_days, "lo")
        m.Add(n_flex * hi >= flex_total)
        m.Add(n_flex * lo <= flex_total)
        deviations = []
        for g in flex_groups:
            total = sum(n[id(g)])
            m.Add(g.size * hi >= total)  # hi >= ceil(T_g / size)
            m.Add(g.size * lo <= total)  # lo <= floor(T_g / size)
            dev = m.NewIntVar(0, n_flex * n_days * g.size, "")
            m.Add(dev >= n_flex * total - g.size * flex_total)
            m.Add(dev >= g.size * flex_total - n_flex * total)
            deviations.append(dev)
        m.Minimize(hi - lo)
        solver2, status = run("fairness", 0.5)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            gap_bound = int(round(solver2.ObjectiveValue()))
            m.Add(hi - lo <= gap_bound)
            counts = {id(g): [solver2.Value(v) for v in n[id(g)]] for g in groups}
            hint_from(solver2)
            m.Minimize(sum(deviations))
            solver2b, status = run("spread", 0.5)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                counts = {id(g): [solver2b.Value(v) for v in n[id(g)]] for g in groups}

    values: dict[str, list[int]] = {}
    for g in groups:
        values.update(_deal(g.members, counts[id(g)]))

    def as_plan(vals) -> dict[dt.date, list[str]]:
        return {day: [sid for sid, vs in vals.items() if vs[d]] for d, day in enumerate(days)}

    best_plan = as_plan(values)

    # stage 3: preferences, then fewer switches, on the model of persons, keeping fill and fairness
    if n_days > 1 or problem.preferences:
        built = _Model(problem)
        pm, x = built.model, built.x
        pm.Add(sum(v for vs in x.values() for v in vs) >= filled)
        flex = [p for g in flex_groups for p in g.members]
        if gap_bound is not None:
            phi = pm.NewIntVar(0, n_days, "hi")
            plo = pm.NewIntVar(0, n_days, "lo")
            for p in flex:
                pm.Add(phi >= sum(x[p.id]))
                pm.Add(plo <= sum(x[p.id]))
            pm.Add(phi - plo <= gap_bound)
        # a complete hint (every variable), so the search starts from the dealt plan
        for sid, vs in values.items():
            for v, val in zip(x[sid], vs, strict=True):
                pm.AddHint(v, val)
        cohort_of = {p.id: p.cohort for p in problem.staff}
        for name, d, var in built.cohort_vars:
            pm.AddHint(var, int(any(vs[d] for sid, vs in values.items() if cohort_of[sid] == name)))
        if gap_bound is not None:
            totals = [sum(values[p.id]) for p in flex]
            pm.AddHint(phi, max(totals))
            pm.AddHint(plo, min(totals))
        day_index = {day: i for i, day in enumerate(days)}
        pref_terms = []
        for pref in problem.preferences:
            if pref.staff in x and pref.day in day_index:
                v = x[pref.staff][day_index[pref.day]]
                pref_terms.append(v if pref.on_site else 1 - v)
        switches = []
        for p in flex:
            xs = x[p.id]
            for d in range(1, n_days):
                sw = pm.NewBoolVar("")
                pm.Add(sw >= xs[d] - xs[d - 1])
                pm.Add(sw >= xs[d - 1] - xs[d])
                pm.AddHint(sw, int(values[p.id][d] != values[p.id][d - 1]))
                switches.append(sw)
        if (pref_terms or switches) and time.monotonic() < deadline - 0.05:
            weight = len(switches) + 1
            pm.Maximize(weight * sum(pref_terms) - sum(switches))
            solver3, status = run("preferences_switches", 1.0, pm)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                best_plan = built.plan(solver3)
        elif pref_terms or switches:
            optimal = False
    return ("optimal" if optimal else "feasible"), best_plan, [], stages
