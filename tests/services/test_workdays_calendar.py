"""seed/holidays.json: each year as the State Council's notice (or the law) sets it, with its source."""
import json
from datetime import date
from pathlib import Path

import pytest

from app.services.workdays import add_working_days, official_days

CALENDAR = json.loads((Path(__file__).resolve().parents[2] / "seed" / "holidays.json").read_text(encoding="utf-8"))
YEARS = CALENDAR["years"]
# 全国年节及纪念日放假办法 (2024): 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3
STATUTORY_DAYS = 13


def _days(entry) -> list[str]:
    return [day for period in entry["periods"] for day in period["days"]]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_each_year_cites_its_source_on_www_gov_cn(year):
    source = YEARS[year]["source"]
    assert source["url"].startswith("https://www.gov.cn/")
    assert source["title"] and source["number"]
    date.fromisoformat(source["date"])
    if not YEARS[year]["statutory_only"]:
        assert source["title"] == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert source["number"].startswith("国办发明电〔")


@pytest.mark.parametrize("year", sorted(YEARS))
def test_days_fall_in_their_year_and_make_up_days_are_weekends(year):
    entry = YEARS[year]
    days = _days(entry)
    assert len(days) == len(set(days)) and all(d.startswith(f"{year}-") for d in days)
    assert all(date.fromisoformat(d).weekday() >= 5 for d in entry["workdays"])
    assert not set(days) & set(entry["workdays"])


def test_the_2026_notice_as_published():
    holidays, workdays = official_days(CALENDAR, [2026])
    assert len(holidays) == 33
    assert workdays == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert {"2026-02-15", "2026-02-23", "2026-10-01", "2026-10-07"} <= set(holidays)


def test_a_year_without_its_notice_holds_only_the_statutory_days_and_says_so():
    for entry in YEARS.values():
        if entry["statutory_only"]:
            assert len(_days(entry)) == STATUTORY_DAYS and entry["workdays"] == [] and entry["note"]
    assert YEARS["2027"]["statutory_only"]
    assert _days(YEARS["2027"]) == [
        "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01",
        "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"]


def test_official_days_join_the_years_asked_for_and_skip_unknown_years():
    holidays, workdays = official_days(CALENDAR, [2025, 2026, 1999])
    assert "2025-10-08" in holidays and "2026-10-07" in holidays
    assert "2025-10-11" in workdays and "2026-10-10" in workdays
    assert official_days(CALENDAR, [1999]) == ([], [])


def test_national_day_2025_with_its_make_up_saturday():
    holidays, workdays = official_days(CALENDAR, [2025])
    # Tue 30 Sep 2025; 1–8 Oct off; Thu 9, Fri 10, Sat 11 (worked), Mon 13
    assert add_working_days(date(2025, 9, 30), 5, frozenset(map(date.fromisoformat, holidays)),
                            frozenset(map(date.fromisoformat, workdays))) == date(2025, 10, 13)
