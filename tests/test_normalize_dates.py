"""Tests for triage.normalize.dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize.dates import parse_datetime

SH = ZoneInfo("Asia/Shanghai")
DT = datetime(2024, 5, 3, 21, 14, 5)
D = datetime(2024, 5, 3)
HM = datetime(2024, 5, 3, 21, 14)
LIMIT = datetime(2031, 1, 1)


def _fullwidth_digits(s: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in s)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-03 21:14:05", DT), ("2024-05-03T21:14:05", DT), ("2024/05/03 21:14:05", DT),
        ("2024-5-3 21:14:05", DT), ("  2024-05-03   21:14:05 ", DT), ("2024-05-03 21:14:05.0", DT),
        ("2024/5/3 21:14", HM), ("2024.5.3", D), ("2024.05.03 21:14", HM), ("2024/5/3", D),
        ("2024年5月3日 21时14分", HM), ("2024年5月3日21时14分05秒", DT), ("2024年5月3日21:14", HM),
        ("2024年5月3日 21:14:05", DT), ("2024年5月3日", D), ("2024年05月03日", D),
        ("2024年5月3号", D),
        ("20240503", D), ("202405032114", HM), ("20240503211405", DT), ("2024/5/3 下午9:14", HM),
        ("２０２４－０５－０３　２１：１４：０５", DT), ("２０２４年５月３日", D),
        ("2024-05-03T13:14:05Z", DT), ("2024-05-03T13:14:05+00:00", DT),
        ("2024-05-03T21:14:05+08:00", DT),
        ("2024-05-03 21:14:05.250", DT.replace(microsecond=250000)),
    ],
)
def test_string_forms(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize(
    "raw", ["45415.885", 45415.885, np.float64(45415.885), "４５４１５.８８５"]
)
def test_excel_serial(raw):
    # The value given in the spec: serial 45415.885 is 2024-05-03 21:14:24.
    assert parse_datetime(raw) == datetime(2024, 5, 3, 21, 14, 24)


def test_excel_serial_whole_days():
    assert parse_datetime(45415) == D
    assert parse_datetime("45415") == D
    assert parse_datetime(45415.0) == D
    assert parse_datetime(36526) == datetime(2000, 1, 1)  # well-known: 2000-01-01 is 36526


def test_numeric_compact_dates():
    assert parse_datetime(20240503) == D
    assert parse_datetime(20240503.0) == D
    assert parse_datetime(20240503211405) == DT


def test_python_and_pandas_objects():
    assert parse_datetime(DT) == DT
    assert parse_datetime(date(2024, 5, 3)) == D
    assert parse_datetime(pd.Timestamp("2024-05-03 21:14:05")) == DT
    assert parse_datetime(pd.Timestamp("2024-05-03 13:14:05", tz="UTC")) == DT
    assert parse_datetime(datetime(2024, 5, 3, 13, 14, 5, tzinfo=UTC)) == DT
    assert parse_datetime(datetime(2024, 5, 3, 21, 14, 5, tzinfo=SH)) == DT
    assert parse_datetime(np.datetime64("2024-05-03T21:14:05")) == DT
    out = parse_datetime(pd.Timestamp("2024-05-03 21:14:05"))
    assert type(out) is datetime and out.tzinfo is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("abc", "无法识别"), ("2024-05", "无法识别"), ("5/3/2024", "无法识别"),
        ("明天", "无法识别"), ("1989-12-31", "超出合理范围"), ("2099-01-01", "超出合理范围"),
        ("19000101", "超出合理范围"),
        ("12345", "超出合理范围"), (99999, "超出合理范围"), (100.5, "超出合理范围"),
        ("2024-13-01", "日期"), ("2024-02-30", "日期"), ("2024-05-03 25:00", "日期"),
        (None, "为空"), ("", "为空"), (float("nan"), "为空"), (pd.NaT, "为空"), (pd.NA, "为空"),
        (True, "无法识别"),
    ],
)
def test_errors(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_datetime(raw)


def test_limits_are_parameters():
    assert parse_datetime("1985-01-01", min_year=1980) == datetime(1985, 1, 1)
    with pytest.raises(ValueError, match="超出合理范围"):
        parse_datetime("2024-05-03 21:14:06", max_datetime=DT)
    assert parse_datetime("2024-05-03 21:14:05", max_datetime=DT) == DT
    tomorrow_plus = datetime.now(SH).replace(tzinfo=None) + timedelta(days=2)
    with pytest.raises(ValueError, match="超出合理范围"):
        parse_datetime(tomorrow_plus)
    assert parse_datetime(datetime.now(SH).replace(tzinfo=None)).year >= 2024


# --- properties -------------------------------------------------------------------------------

Format = tuple[Callable[[datetime], str], Callable[[datetime], datetime]]


def _seconds(dt: datetime) -> datetime:
    return dt.replace(microsecond=0)


def _minutes(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def _days(dt: datetime) -> datetime:
    return datetime(dt.year, dt.month, dt.day)


def _excel(dt: datetime) -> str:
    return repr((dt - datetime(1899, 12, 30)) / timedelta(days=1))


FORMATS: list[Format] = [
    (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"), _seconds),
    (lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"), _seconds),
    (lambda d: d.isoformat(), lambda d: d),
    (lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}", _minutes),
    (lambda d: f"{d.year}.{d.month}.{d.day}", _days),
    (lambda d: f"{d.year}年{d.month}月{d.day}日 {d.hour}时{d.minute}分", _minutes),
    (lambda d: f"{d.year}年{d.month}月{d.day}日{d.hour}:{d.minute:02d}", _minutes),
    (lambda d: f"{d.year}年{d.month}月{d.day}日", _days),
    (lambda d: d.strftime("%Y%m%d"), _days),
    (lambda d: d.strftime("%Y%m%d%H%M%S"), _seconds),
    (lambda d: _fullwidth_digits(d.strftime("%Y-%m-%d %H:%M:%S")), _seconds),
    (lambda d: _excel(_seconds(d)), _seconds),
]

datetimes = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31))


@settings(max_examples=300)
@given(datetimes, st.sampled_from(range(len(FORMATS))))
def test_every_format_roundtrips(dt, index):
    fmt, precision = FORMATS[index]
    assert parse_datetime(fmt(dt), max_datetime=LIMIT) == precision(dt)


@settings(max_examples=100)
@given(datetimes, st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_aware_datetimes_become_shanghai_wall_clock(dt, offset_minutes):
    aware = dt.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    expected = aware.astimezone(SH).replace(tzinfo=None)
    if expected.year < 1990:
        return
    assert parse_datetime(aware, max_datetime=LIMIT) == expected
    assert parse_datetime(pd.Timestamp(aware), max_datetime=LIMIT) == expected


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="0123456789-/.:年月日时分 T"), st.integers(),
                 st.floats()))
def test_only_value_error(raw):
    try:
        out = parse_datetime(raw)
    except ValueError as exc:
        assert str(exc)
    else:
        assert out.tzinfo is None
        assert out.year >= 1990
