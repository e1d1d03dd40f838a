"""The working-day calendar of Vietnam's public administration.

Pure Python (no Django): :class:`WorkCalendar` knows

* weekends (Saturday and Sunday off),
* public holidays from the ``holidays`` package, lunar Tết and Hùng Kings' day
  included, together with the weekend days the government declares working days in
  exchange (e.g. Saturday 26 April 2025, worked for Friday 2 May 2025),
* extra days off and extra working days given by an administrator (the database
  rows of :class:`congvu.core.models.CalendarDay`, loaded by
  :func:`congvu.core.selectors.work_calendar`),
* office hours, by default 07:30–11:30 and 13:30–17:00.

Conventions (they are the laws the property tests check):

* ``add_working_days(d, n)`` is the date that is ``n`` working days after ``d``;
  ``d`` itself is not counted (Civil Code: a period starts the day after the event).
  ``n = 0`` gives ``d`` unchanged; negative ``n`` counts backwards.
* ``count_working_days(a, b)`` counts the working days in the half-open interval
  ``(a, b]``, so ``count_working_days(d, add_working_days(d, n)) == n``.
* ``add_working_hours(t, h)`` moves ``t`` forward by ``h`` hours of office time;
  a start outside office hours begins at the next opening.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays as holidays_lib

__all__ = ["VN_TZ", "OfficeBlock", "WorkCalendar", "parse_office_hours", "DEFAULT_OFFICE_HOURS"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OfficeBlock:
    start: dt.time
    end: dt.time

    @property
    def seconds(self) -> int:
        return (self.end.hour * 3600 + self.end.minute * 60) - (self.start.hour * 3600 + self.start.minute * 60)


def parse_office_hours(blocks: Iterable[str]) -> tuple[OfficeBlock, ...]:
    """Parse ``["07:30-11:30", "13:30-17:00"]`` into ordered, non-overlapping blocks."""
    parsed: list[OfficeBlock] = []
    for raw in blocks:
        try:
            start_s, end_s = (part.strip() for part in str(raw).split("-"))
            start = dt.time.fromisoformat(start_s if len(start_s) > 4 else "0" + start_s)
            end = dt.time.fromisoformat(end_s if len(end_s) > 4 else "0" + end_s)
        except ValueError as exc:
            raise ValueError(f"office hours block {raw!r} is not of the form HH:MM-HH:MM") from exc
        if end <= start:
            raise ValueError(f"office hours block {raw!r} ends before it starts")
        parsed.append(OfficeBlock(start, end))
    parsed.sort(key=lambda b: b.start)
    for earlier, later in zip(parsed, parsed[1:], strict=False):
        if later.start < earlier.end:
            raise ValueError("office hours blocks overlap")
    if not parsed:
        raise ValueError("at least one office hours block is needed")
    return tuple(parsed)


DEFAULT_OFFICE_HOURS = parse_office_hours(["07:30-11:30", "13:30-17:00"])


class WorkCalendar:
    """Working days and office hours.  Immutable after construction; thread-safe."""

    def __init__(
        self,
        *,
        extra_days_off: Mapping[dt.date, str] | Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
        office_hours: Iterable[OfficeBlock] | None = None,
        weekend: Iterable[int] = (5, 6),
    ) -> None:
        if isinstance(extra_days_off, Mapping):
            self._extra_off = dict(extra_days_off)
        else:
            self._extra_off = dict.fromkeys(extra_days_off, "")
        self._extra_work = frozenset(extra_working_days)
        overlap = self._extra_work & set(self._extra_off)
        if overlap:
            raise ValueError(f"dates both off and working: {sorted(overlap)}")
        self.office_hours = tuple(office_hours) if office_hours is not None else DEFAULT_OFFICE_HOURS
        self._weekend = frozenset(weekend)
        self._years: dict[int, tuple[dict[dt.date, str], frozenset[dt.date]]] = {}
        self._lock = threading.Lock()

    # --- days -----------------------------------------------------------------------------------
    def _year(self, year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
        cached = self._years.get(year)
        if cached is None:
            with self._lock:
                cached = self._years.get(year)
                if cached is None:
                    # Neighbouring years too: a swap may cross the new year (e.g. 2014-12-27).
                    vn = holidays_lib.country_holidays("VN", years=[year - 1, year, year + 1], language="vi")
                    days = {d: name for d, name in vn.items() if d.year == year}
                    workdays = frozenset(d for d in vn.weekend_workdays if d.year == year)
                    cached = (days, workdays)
                    self._years[year] = cached
        return cached

    def holiday_name(self, day: dt.date) -> str | None:
        """Name of the holiday or day off on ``day`` (None if there is none)."""
        if day in self._extra_off:
            return self._extra_off[day] or "Ngày nghỉ"
        return self._year(day.year)[0].get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        if day in self._extra_work:
            return True
        if day in self._extra_off:
            return False
        days, workdays = self._year(day.year)
        if day in workdays:
            return True
        if day.weekday() in self._weekend:
            return False
        return day not in days

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        if isinstance(day, dt.datetime):
            day = day.date()
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        guard = 0
        while remaining:
            day += step
            guard += 1
            if guard > 3660 + abs(n) * 3:
                raise OverflowError("no working days found in ten years")
            if self.is_working_day(day):
                remaining -= 1
        return day

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.count_working_days(end, start)
        total = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                total += 1
        return total

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days in the closed range ``[start, end]``."""
        out: list[dt.date] = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                out.append(day)
            day += ONE_DAY
        return out

    # --- hours ----------------------------------------------------------------------------------
    @staticmethod
    def _local(moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=VN_TZ)
        return moment.astimezone(VN_TZ)

    def _blocks(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        for block in self.office_hours:
            yield (dt.datetime.combine(day, block.start, VN_TZ), dt.datetime.combine(day, block.end, VN_TZ))

    def start_of_day(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.office_hours[0].start, VN_TZ)

    def end_of_day(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.office_hours[-1].end, VN_TZ)

    def is_office_time(self, moment: dt.datetime) -> bool:
        moment = self._local(moment)
        if not self.is_working_day(moment.date()):
            return False
        return any(start <= moment < end for start, end in self._blocks(moment.date()))

    def next_office_moment(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if the office is open then, else the next opening."""
        moment = self._local(moment)
        day = moment.date()
        if self.is_working_day(day):
            for start, end in self._blocks(day):
                if moment < end:
                    return max(moment, start)
        return self.start_of_day(self.next_working_day(day))

    def add_working_hours(self, moment: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
        """``moment`` moved forward by ``hours`` of office time (aware, Vietnam time)."""
        remaining = hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=hours)
        if remaining < dt.timedelta(0):
            raise ValueError("hours must not be negative")
        current = self.next_office_moment(moment)
        while True:
            day = current.date()
            for start, end in self._blocks(day):
                if current >= end:
                    continue
                current = max(current, start)
                available = end - current
                if remaining <= available:
                    return current + remaining
                remaining -= available
                current = end
            current = self.start_of_day(self.next_working_day(day))

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time elapsed between two moments (zero if ``end`` is not after ``start``)."""
        start, end = self._local(start), self._local(end)
        total = dt.timedelta(0)
        if end <= start:
            return total
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for b_start, b_end in self._blocks(day):
                    lo, hi = max(b_start, start), min(b_end, end)
                    if hi > lo:
                        total += hi - lo
            day += ONE_DAY
        return total

    @property
    def hours_per_day(self) -> float:
        return sum(block.seconds for block in self.office_hours) / 3600
