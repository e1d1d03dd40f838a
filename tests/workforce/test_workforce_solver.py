"""The roster solver: hard rules, edge cases, infeasibility named in words, and a property test."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congvu.workforce.solver import (
    Agency,
    Cover,
    Person,
    Preference,
    Problem,
    Room,
    Rules,
    check_plan,
    fairness_gaps,
    solve,
    validate,
)

DAYS = tuple(dt.date(2026, 12, d) for d in (1, 2, 3, 4, 7, 8))  # Tue..Fri, Mon, Tue


def problem(staff, *, rooms=(), agencies=("SNV",), ratio=None, max_per_room=None, exempt_agencies=(),
            exempt_staff=(), cover=(), preferences=(), days=DAYS):
    return Problem(days=days, agencies=tuple(Agency(a, f"Sở {a}") for a in agencies), rooms=tuple(rooms),
                   staff=tuple(staff),
                   rules=Rules(ratio, max_per_room, frozenset(exempt_agencies), frozenset(exempt_staff)),
                   cover=tuple(cover), preferences=tuple(preferences))


def people(n, agency="SNV", room=None, **kw):
    return [Person(f"{agency}-{i}", agency, room, **kw) for i in range(n)]


def onsite_days(result, sid):
    return sum(1 for ids in result.days.values() if sid in ids)


def test_agency_of_two_with_ratio_one_third_has_cap_zero():
    p = problem(people(2), ratio=Fraction(1, 3))
    assert p.cap("SNV") == 0
    result = solve(p, time_limit=5)
    assert result.status == "optimal"
    assert set(result.days) == set(DAYS)
    assert all(ids == [] for ids in result.days.values())


def test_agency_of_two_with_ratio_one_third_and_cover_names_the_collision():
    staff = [Person("a", "SNV", roles=frozenset({"van_thu"})), Person("b", "SNV")]
    result = solve(problem(staff, ratio=Fraction(1, 3), cover=[Cover("SNV", "van_thu", 1)]), time_limit=5)
    assert result.status == "infeasible"
    assert result.days == {}
    [conflict] = result.conflicts
    assert conflict.code == "cover_over_cap"
    assert "Sở SNV" in conflict.message and "trần tại trụ sở chỉ cho 0 người/ngày" in conflict.message
    assert "on-site cap allows 0" in conflict.message_en


def test_rooms_of_capacity_one_rotate_fairly():
    rooms = [Room("R1", "SNV", 1), Room("R2", "SNV", 1)]
    staff = people(3, room="R1") + [Person("x", "SNV", "R2")]
    result = solve(problem(staff, rooms=rooms), time_limit=5)
    assert result.ok and not check_plan(problem(staff, rooms=rooms), result.days)
    for ids in result.days.values():
        assert sum(1 for s in ids if s.startswith("SNV-")) == 1  # room R1 holds one
        assert "x" in ids  # fill: R2's only occupant comes every day
    assert sorted(onsite_days(result, f"SNV-{i}") for i in range(3)) == [2, 2, 2]


def test_all_staff_exempt_means_no_cap():
    rooms = [Room("R1", "SYT", 3)]
    staff = people(3, agency="SYT", room="R1")
    p = problem(staff, rooms=rooms, agencies=("SYT",), ratio=Fraction(1, 3), max_per_room=2,
                exempt_agencies=["SYT"])
    assert p.cap("SYT") is None
    result = solve(p, time_limit=5)
    assert result.status == "optimal"
    assert all(len(ids) == 3 for ids in result.days.values())  # capacity 3 holds; per-room max of 2 exempted
    # exempt staff (not agency): not counted against the cap
    p2 = problem(people(3), ratio=Fraction(1, 3), exempt_staff=["SNV-0", "SNV-1", "SNV-2"])
    assert all(len(ids) == 3 for ids in solve(p2, time_limit=5).days.values())


def test_cap_is_floor_of_ratio_times_staff():
    p = problem(people(7), ratio=Fraction(1, 3))
    assert p.cap("SNV") == 2
    result = solve(p, time_limit=2)
    assert all(len(ids) == 2 for ids in result.days.values())  # the caps are filled
    assert result.fairness_gap <= 1


def test_must_stay_home_and_must_come_in():
    staff = [Person("home", "SNV", must_stay_home=True), Person("in", "SNV", must_come_in=True),
             *people(4)]
    result = solve(problem(staff, ratio=Fraction(1, 2)), time_limit=5)
    assert result.ok
    for ids in result.days.values():
        assert "home" not in ids and "in" in ids and len(ids) == 3


def test_room_with_too_many_who_must_come_in_is_named():
    rooms = [Room("203", "SNV", 6)]
    staff = people(5, room="203", must_come_in=True)
    result = solve(problem(staff, rooms=rooms, max_per_room=2), time_limit=5)
    assert result.status == "infeasible"
    messages = [c.message for c in result.conflicts]
    assert "Phòng 203 có 5 người bắt buộc có mặt nhưng chỉ được 2 người." in messages
    assert "Room 203 has 5 staff who must come in but holds 2." in [c.message_en for c in result.conflicts]


def test_collision_only_the_solver_sees_is_named_by_rules():
    # cap 1 allows a clerk or a leader each day, never both; each cover alone is fine
    staff = [Person("vt", "SNV", roles=frozenset({"van_thu"})), Person("ld", "SNV", roles=frozenset({"lanh_dao"})),
             Person("cv", "SNV")]
    p = problem(staff, ratio=Fraction(1, 3), cover=[Cover("SNV", "van_thu", 1), Cover("SNV", "lanh_dao", 1)])
    assert validate(p) == []
    result = solve(p, time_limit=10)
    assert result.status == "infeasible"
    [conflict] = result.conflicts
    assert conflict.code == "rules_collide"
    assert set(conflict.rules) == {"cap:SNV", "cover:SNV:van_thu", "cover:SNV:lanh_dao"}
    assert "trần tại trụ sở của Sở SNV: 1 người/ngày" in conflict.message
    assert "văn thư" in conflict.message and "lãnh đạo" in conflict.message


def test_cohorts_never_meet_and_forced_cohorts_collide():
    staff = [Person(f"a{i}", "SNV", cohort="A") for i in range(3)] + [Person(f"b{i}", "SNV", cohort="B")
                                                                      for i in range(3)]
    p = problem(staff)
    result = solve(p, time_limit=5)
    assert result.ok and not check_plan(p, result.days)
    for ids in result.days.values():
        assert not ({"a0", "a1", "a2"} & set(ids) and {"b0", "b1", "b2"} & set(ids))
    assert result.fairness_gap == 0  # A and B alternate: 3 days each
    forced = [Person("a", "SNV", cohort="A", must_come_in=True), Person("b", "SNV", cohort="B", must_come_in=True)]
    result = solve(problem(forced), time_limit=5)
    assert result.status == "infeasible" and result.conflicts[0].code == "cohort_must_come_in"


def test_cover_needs_more_than_available_staff():
    staff = [Person("mc1", "SNV", roles=frozenset({"mot_cua"})),
             Person("mc2", "SNV", roles=frozenset({"mot_cua"}), must_stay_home=True)]
    result = solve(problem(staff, cover=[Cover("SNV", "mot_cua", 2)]), time_limit=5)
    assert result.status == "infeasible"
    assert result.conflicts[0].code == "cover_not_enough_staff"
    assert "chỉ có 1 người có thể đến" in result.conflicts[0].message


def test_preferences_and_fewer_switches():
    # one place a day for two people: preferences decide who; days cluster rather than alternate
    staff = people(2)
    prefs = [Preference("SNV-0", DAYS[0], True), Preference("SNV-1", DAYS[0], False)]
    p = problem(staff, ratio=Fraction(1, 2), preferences=prefs)
    result = solve(p, time_limit=5)
    assert result.ok
    assert result.days[DAYS[0]] == ["SNV-0"]
    pattern = [ids[0] for ids in result.days.values()]
    switches = sum(1 for a, b in zip(pattern, pattern[1:], strict=False) if a != b)
    assert switches == 1  # 3 days then 3 days
    assert fairness_gaps(p, result.days) == {"SNV": 0}


def test_no_days_or_no_staff():
    assert solve(problem(people(2), days=()), time_limit=2).days == {}
    result = solve(problem([]), time_limit=2)
    assert result.status == "optimal" and set(result.days) == set(DAYS)


def test_check_plan_finds_every_broken_rule():
    rooms = [Room("R", "SNV", 2)]
    staff = [Person("h", "SNV", "R", must_stay_home=True), Person("c", "SNV", "R", must_come_in=True),
             Person("v", "SNV", "R", roles=frozenset({"van_thu"})), Person("k1", "SNV", cohort="A"),
             Person("k2", "SNV", cohort="B"), *people(4)]
    p = problem(staff, rooms=rooms, ratio=Fraction(1, 3), max_per_room=1, cover=[Cover("SNV", "van_thu", 1)])
    day = DAYS[0]
    plan = {d: ["c", "v"] for d in DAYS}
    plan[day] = ["h", "k1", "k2", "SNV-0", "SNV-1", "ghost", "SNV-0"]
    del plan[DAYS[-1]]
    plan[dt.date(2026, 12, 5)] = []
    codes = {v.code for v in check_plan(p, plan)}
    assert codes == {"must_stay_home", "must_come_in", "cap", "cohort", "room", "cover", "unknown_staff",
                     "duplicate", "missing_day", "extra_day"}


# --- property: every plan returned holds every hard rule ---------------------------------------------
@st.composite
def small_problems(draw):
    n_agencies = draw(st.integers(1, 2))
    agencies = [f"A{i}" for i in range(n_agencies)]
    rooms, staff, cover = [], [], []
    for a in agencies:
        room_ids = [f"{a}-R{j}" for j in range(draw(st.integers(0, 2)))]
        rooms += [Room(r, a, draw(st.integers(1, 3))) for r in room_ids]
        for i in range(draw(st.integers(0, 6))):
            flag = draw(st.sampled_from(["", "", "", "home", "in"]))
            staff.append(Person(
                f"{a}-{i}", a, draw(st.sampled_from([None, *room_ids])),
                frozenset(draw(st.lists(st.sampled_from(["van_thu", "lanh_dao"]), max_size=2))),
                must_stay_home=flag == "home", must_come_in=flag == "in",
                cohort=draw(st.sampled_from([None, None, "X", "Y"]))))
        for role in ("van_thu", "lanh_dao"):
            if draw(st.booleans()):
                cover.append(Cover(a, role, draw(st.integers(0, 2))))
    ratio = draw(st.sampled_from([None, Fraction(1, 3), Fraction(1, 2), Fraction(0), Fraction(1)]))
    exempt = frozenset(draw(st.lists(st.sampled_from(agencies), max_size=1)))
    exempt_staff = frozenset(s.id for s in staff if draw(st.integers(0, 9)) == 0)
    days = DAYS[: draw(st.integers(1, 4))]
    prefs = [Preference(s.id, days[0], draw(st.booleans())) for s in staff[:2]]
    return Problem(days=days, agencies=tuple(Agency(a) for a in agencies), rooms=tuple(rooms), staff=tuple(staff),
                   rules=Rules(ratio, draw(st.sampled_from([None, 1, 2])), exempt, exempt_staff),
                   cover=tuple(cover), preferences=tuple(prefs))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_returned_plan_holds_every_hard_rule(p):
    result = solve(p, time_limit=3, num_workers=1)
    if result.ok:
        assert check_plan(p, result.days) == []
        assert set(result.days) == set(p.days)
    else:
        assert result.status == "infeasible"
        assert result.conflicts and all(c.message and c.message_en for c in result.conflicts)
        assert result.days == {}


@pytest.mark.parametrize("ratio,n,cap", [(Fraction(1, 3), 3, 1), (Fraction(1, 3), 5, 1), (Fraction(1, 2), 5, 2),
                                         (Fraction(0), 9, 0), (Fraction(1), 4, 4), (Fraction(3333, 10000), 6, 1)])
def test_cap_values(ratio, n, cap):
    assert problem(people(n), ratio=ratio).cap("SNV") == cap


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.integers(0, n), min_size=1,
                                                                                    max_size=12))))
def test_dealing_a_groups_seats_is_balanced_and_exact(case):
    from congvu.workforce.solver import _deal

    n, seats = case
    members = people(n)
    dealt = _deal(members, seats)
    for d, k in enumerate(seats):
        assert sum(row[d] for row in dealt.values()) == k  # every seat of every day is given
    totals = [sum(row) for row in dealt.values()]
    assert max(totals) - min(totals) <= 1
