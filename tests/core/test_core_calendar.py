import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congvu.core.calendar import VN_TZ, WorkCalendar, parse_office_hours

CAL = WorkCalendar()
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


def test_weekends_and_public_holidays_are_off():
    assert not CAL.is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not CAL.is_working_day(dt.date(2026, 11, 22))  # Sunday
    assert CAL.is_working_day(dt.date(2026, 11, 23))
    assert not CAL.is_working_day(dt.date(2025, 1, 1))  # New Year
    assert not CAL.is_working_day(dt.date(2025, 9, 2))  # National Day


def test_lunar_tet_and_hung_kings_day():
    for day in range(27, 32):  # Tết 2025: 27–31 January
        assert not CAL.is_working_day(dt.date(2025, 1, day))
    assert CAL.is_working_day(dt.date(2025, 2, 3))
    assert not CAL.is_working_day(dt.date(2025, 4, 7))  # Giỗ Tổ Hùng Vương 10/3 âm lịch
    assert "Hùng" in (CAL.holiday_name(dt.date(2025, 4, 7)) or "")


def test_swapped_saturday_is_a_working_day():
    # Saturday 26 April 2025 worked in exchange for Friday 2 May 2025.
    assert CAL.is_working_day(dt.date(2025, 4, 26))
    assert not CAL.is_working_day(dt.date(2025, 5, 2))
    assert CAL.add_working_days(dt.date(2025, 4, 25), 1) == dt.date(2025, 4, 26)


def test_database_style_exceptions_override_the_national_calendar():
    cal = WorkCalendar(extra_days_off={dt.date(2026, 11, 23): "Nghỉ bão"}, extra_working_days=[dt.date(2026, 11, 28)])
    assert not cal.is_working_day(dt.date(2026, 11, 23))
    assert cal.holiday_name(dt.date(2026, 11, 23)) == "Nghỉ bão"
    assert cal.is_working_day(dt.date(2026, 11, 28))
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off=[dt.date(2026, 1, 5)], extra_working_days=[dt.date(2026, 1, 5)])


def test_add_and_count_examples():
    # Friday + 1 working day = Monday; the start day is not counted.
    assert CAL.add_working_days(dt.date(2026, 10, 16), 1) == dt.date(2026, 10, 19)
    assert CAL.add_working_days(dt.date(2026, 10, 16), 0) == dt.date(2026, 10, 16)
    assert CAL.count_working_days(dt.date(2026, 10, 16), dt.date(2026, 10, 23)) == 5
    assert CAL.add_working_days(dt.date(2026, 10, 19), -1) == dt.date(2026, 10, 16)
    # 24 November 2026: Vietnam Culture Day, a paid day off from 2026 on.
    assert CAL.count_working_days(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 4


@given(dates, st.integers(min_value=0, max_value=300))
def test_add_then_count_round_trips(day, n):
    assert CAL.count_working_days(day, CAL.add_working_days(day, n)) == n


@given(dates, st.integers(min_value=1, max_value=120))
def test_added_date_is_a_working_day_after_the_start(day, n):
    result = CAL.add_working_days(day, n)
    assert result > day
    assert CAL.is_working_day(result)


@given(dates, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_adding_is_associative(day, a, b):
    assert CAL.add_working_days(CAL.add_working_days(day, a), b) == CAL.add_working_days(day, a + b)


@given(dates, st.integers(min_value=1, max_value=60))
def test_backwards_inverts_forwards_on_working_days(day, n):
    start = CAL.working_day_on_or_after(day)
    assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@given(dates, dates)
def test_count_is_antisymmetric(a, b):
    assert CAL.count_working_days(a, b) == -CAL.count_working_days(b, a)


def test_office_hours_parsing_and_errors():
    blocks = parse_office_hours(["13:30-17:00", "7:30-11:30"])
    assert [b.start.isoformat() for b in blocks] == ["07:30:00", "13:30:00"]
    for bad in (["7h30-11h30"], ["11:30-07:30"], ["07:30-12:00", "11:00-17:00"], []):
        with pytest.raises(ValueError):
            parse_office_hours(bad)
    assert CAL.hours_per_day == 7.5


def test_add_working_hours_examples():
    friday_afternoon = dt.datetime(2026, 10, 16, 16, 0, tzinfo=VN_TZ)
    # 1 h left on Friday, 3 more on Monday morning.
    assert CAL.add_working_hours(friday_afternoon, 4) == dt.datetime(2026, 10, 19, 10, 30, tzinfo=VN_TZ)
    lunch = dt.datetime(2026, 10, 19, 12, 0, tzinfo=VN_TZ)
    assert CAL.add_working_hours(lunch, 1) == dt.datetime(2026, 10, 19, 14, 30, tzinfo=VN_TZ)
    naive_evening = dt.datetime(2026, 10, 19, 20, 0)
    assert CAL.add_working_hours(naive_evening, 0) == dt.datetime(2026, 10, 20, 7, 30, tzinfo=VN_TZ)
    utc = dt.datetime(2026, 10, 19, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội
    assert CAL.add_working_hours(utc, 0.5) == dt.datetime(2026, 10, 19, 8, 30, tzinfo=VN_TZ)
    with pytest.raises(ValueError):
        CAL.add_working_hours(lunch, -1)


moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1))


@settings(max_examples=150)
@given(moments, st.integers(min_value=0, max_value=60 * 60))
def test_working_hours_round_trip(moment, minutes):
    start = CAL.next_office_moment(moment)
    end = CAL.add_working_hours(start, dt.timedelta(minutes=minutes))
    assert CAL.working_time_between(start, end) == dt.timedelta(minutes=minutes)
    assert end >= start
