import datetime as dt
import unicodedata

import pytest

from congvu.core.dates import DateParseError, format_date_line, parse_date


@pytest.mark.parametrize("raw", [
    "2020-03-28", "2020/03/28", "28/3/2020", "28/03/2020", "28-3-2020", "28.03.2020", "28/3/20",
    "ngày 28 tháng 3 năm 2020", "Ngày 28 tháng 03 năm 2020", "ngày 28/3/2020", "28 tháng 3, 2020",
    " 28 / 3 / 2020 ", "２８/３/２０２０", unicodedata.normalize("NFD", "ngày 28 tháng 3 năm 2020"),
    "28\u00a0tháng\u00a03\u00a0năm\u00a02020",
])
def test_parses_every_official_form(raw):
    assert parse_date(raw) == dt.date(2020, 3, 28)


@pytest.mark.parametrize("raw", ["", "   ", "hôm qua", "31/2/2020", "2020-13-01", "13/13/2020", "3/28/2020",
                                 "28/3", "x" * 100, "ngày 32 tháng 1 năm 2020", "1e5"])
def test_rejects_with_a_clear_message(raw):
    with pytest.raises(DateParseError) as err:
        parse_date(raw)
    assert str(err.value)


def test_rejects_wrong_types():
    with pytest.raises(DateParseError):
        parse_date(20200328)  # type: ignore[arg-type]


def test_date_line_zero_padding_rule():
    assert format_date_line(dt.date(2020, 1, 5), "Hà Nội") == "Hà Nội, ngày 05 tháng 01 năm 2020"
    assert format_date_line(dt.date(2019, 6, 29)) == "ngày 29 tháng 6 năm 2019"
    assert format_date_line(dt.date(2021, 2, 15)) == "ngày 15 tháng 02 năm 2021"
    assert format_date_line(dt.date(2021, 11, 3)) == "ngày 03 tháng 11 năm 2021"
