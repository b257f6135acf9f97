"""The printed program's pure parts (`programs.outputs.printing`): what an exercise's line says and how the pain limit is
explained. No database."""

from __future__ import annotations

import datetime as dt

from programs.outputs.printing import PrintedDose, PrintedExercise, pain_limit_rules, print_stylesheet

MON, TUE, THU, SUN = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 26), dt.date(2026, 11, 29)


def _exercise(*doses: PrintedDose, times_per_day: int = 1) -> PrintedExercise:
    return PrintedExercise(name="Cycling", doses=doses, times_per_day=times_per_day, pain_limit=5, cues=())


def test_one_dose_says_how_many_days_and_which() -> None:
    assert _exercise(PrintedDose("3 × 10 each leg", (MON, THU), False)).schedule == (
        "3 × 10 each leg on 2 days this week (Mon, Thu)"
    )
    assert _exercise(PrintedDose("10 min", (SUN,), False)).schedule == "10 min on 1 day this week (Sun)"


def test_each_dose_of_the_week_is_named_with_its_days_and_a_warm_up_as_such() -> None:
    cycling = _exercise(PrintedDose("5 min", (MON, THU), True), PrintedDose("10 min", (TUE, SUN), False))
    assert cycling.schedule == "5 min as a warm-up on Mon, Thu; 10 min on Tue, Sun (4 days this week)"
    assert cycling.days == (MON, TUE, THU, SUN)


def test_more_than_once_a_day_is_said() -> None:
    assert _exercise(PrintedDose("3 × 30 s", (MON,), False), times_per_day=3).schedule == (
        "3 × 30 s on 1 day this week (Mon), 3 times each day"
    )


def test_the_pain_limit_is_the_plans_own() -> None:
    rules = " ".join(pain_limit_rules({"during": 2, "after": 2, "morning_must_settle": False, "zone_ok_max": 3}, []))
    assert "may reach 2 out of 10" in rules and "up to 2 out of 10" in rules
    assert "comfortable zone" not in rules  # a zone above the limit would contradict it
    assert "next morning" not in rules

    silbernagel = " ".join(
        pain_limit_rules({"during": 5, "after": 5, "morning_must_settle": True, "zone_ok_max": 3}, [])
    )
    assert "may reach 5 out of 10" in silbernagel and "From 0 to 3 is the comfortable zone" in silbernagel
    assert "By the next morning it should have settled" in silbernagel


def test_a_plan_without_stored_limits_and_no_exercises_explains_nothing() -> None:
    assert pain_limit_rules(None, []) == ()


def test_the_pdf_stylesheet_comes_from_the_static_files() -> None:
    css = print_stylesheet()
    assert "@page" in css and "break-before: page" in css
