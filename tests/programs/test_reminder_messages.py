"""What reminders say: every kind in plain words, push bodies that fit a lock screen, several messages as one."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from programs.reminders.messages import (
    PUSH_LIMIT,
    DigestPatient,
    Message,
    combined,
    long_date,
    missed_session,
    morning_check,
    physio_digest,
    plan_changed,
    session_reminder,
)

MONDAY = dt.date(2026, 11, 23)
TODAY_URL = "https://rehabplan.example/today/"
CHECK_URL = "https://rehabplan.example/today/#morning-check"
PLAN_URL = "https://rehabplan.example/plan/"
PATIENTS_URL = "https://rehabplan.example/patients/"

STRENGTH_AND_RUN = [
    "Warm-up: cycling with clip-in pedals (5 min), then leg swings (1 × 10 each leg)",
    "Nordic hamstring curl: 2 × 5",
    "Single-leg bridge: 3 × 10 each leg",
    "Easy run: 4.7 km",
]
REASONS = [
    "pain 6/10 during the Nordic hamstring curl, above your limit of 4: one step easier for the next sessions",
    "your running stays at 15 km a week until the pain settles",
]
PATIENTS = [
    DigestPatient(
        "Ana Silva", ("Red flag reported", "Pain above their limit"), "https://rehabplan.example/patients/7/"
    ),
    DigestPatient("Ben Okafor", ("No logs for a week",), "https://rehabplan.example/patients/9/"),
]


def every_kind() -> dict[str, Message]:
    return {
        "session": session_reminder(day=MONDAY, lines=STRENGTH_AND_RUN, today_url=TODAY_URL),
        "morning_check": morning_check(session_day=MONDAY, check_url=CHECK_URL),
        "missed_session": missed_session(missed_day=MONDAY, today_url=TODAY_URL),
        "plan_changed": plan_changed(reasons=REASONS, plan_url=PLAN_URL),
        "red_flag_stop": plan_changed(reasons=REASONS[:1], plan_url=PLAN_URL, red_flag_stop=True),
        "physio_digest": physio_digest(patients=PATIENTS, patients_url=PATIENTS_URL),
    }


# ---------------------------------------------------------------- every kind


def test_dates_read_as_a_weekday_day_and_month() -> None:
    assert long_date(MONDAY) == "Monday 23 November"
    assert long_date(dt.date(2027, 1, 3)) == "Sunday 3 January"


def test_a_session_reminder_lists_the_days_items_one_line_each_and_links_to_today() -> None:
    message = session_reminder(day=MONDAY, lines=STRENGTH_AND_RUN, today_url=TODAY_URL)

    assert "Monday 23 November" in message.text
    for line in STRENGTH_AND_RUN:
        assert f"\n- {line}\n" in message.text
    assert message.text.rstrip().endswith(TODAY_URL)
    assert message.url == TODAY_URL
    assert message.subject == "Today: your exercises and an easy run"
    assert message.push_body == "Nordic hamstring curl: 2 × 5; Single-leg bridge: 3 × 10 each leg; Easy run: 4.7 km"


@pytest.mark.parametrize(
    ("lines", "subject"),
    [
        (["Easy run: 5 km"], "Today: easy run, 5 km"),
        (["Long run: 10.8 mi"], "Today: long run, 10.8 mi"),
        (["Easy run: 5 km", "Cycling with clip-in pedals: 10 min"], "Today: your exercises and an easy run"),
        (["Nordic hamstring curl: 2 × 5", "Long run: 11 km"], "Today: your exercises and a long run"),
        (["Easy run: 5 km", "Long run: 8 km"], "Today: 2 runs"),
        (["Nordic hamstring curl: 2 × 5", "Glute bridge: 3 × 12"], "Today: your exercises"),
        (["Run"], "Today: a run"),
        ([], "Your session today"),
    ],
)
def test_a_session_reminders_subject_says_what_the_day_holds_when_the_lines_tell(
    lines: list[str], subject: str
) -> None:
    assert session_reminder(day=MONDAY, lines=lines, today_url=TODAY_URL).subject == subject


def test_a_session_reminder_without_lines_still_says_there_is_a_session_and_links_to_today() -> None:
    message = session_reminder(day=MONDAY, lines=[" ", ""], today_url=TODAY_URL)

    assert message.subject == "Your session today"
    assert "session planned today, Monday 23 November" in message.text
    assert TODAY_URL in message.text
    assert "\n- " not in message.text
    assert message.push_body


def test_the_morning_check_asks_for_pain_and_stiffness_after_the_session_day() -> None:
    message = morning_check(session_day=MONDAY, check_url=CHECK_URL)

    assert "After your session on Monday 23 November" in message.text
    assert "pain and stiffness" in message.text
    assert "pain and stiffness" in message.push_body
    assert message.text.rstrip().endswith(CHECK_URL)
    assert message.url == CHECK_URL


def test_the_missed_session_nudge_is_kind_and_says_how_to_carry_on() -> None:
    message = missed_session(missed_day=MONDAY, today_url=TODAY_URL)

    assert "Monday 23 November" in message.text
    assert "no need to make it up" in message.text
    assert "carry on with what today's plan says" in message.text
    assert "Monday's session" in message.push_body
    for blame in ("failed", "should have", "forgot", "missed your"):
        assert blame not in message.text.lower()
        assert blame not in message.push_body.lower()
    assert message.url == TODAY_URL


def test_a_plan_change_lists_each_reason_once_as_a_line() -> None:
    message = plan_changed(reasons=[*REASONS, REASONS[0]], plan_url=PLAN_URL)

    assert message.subject == "Your plan has changed"
    assert message.text.count("6/10 during the Nordic hamstring curl") == 1
    assert "\n- Pain 6/10 during the Nordic hamstring curl" in message.text  # a reason starts its line
    assert "\n- Your running stays at 15 km a week" in message.text
    assert message.text.rstrip().endswith(PLAN_URL)
    assert message.url == PLAN_URL
    assert "stop" not in message.subject.lower()


def test_a_plan_change_without_reasons_still_says_the_plan_changed() -> None:
    message = plan_changed(reasons=[], plan_url=PLAN_URL)

    assert "Your plan for the coming days has changed." in message.text
    assert PLAN_URL in message.text
    assert message.push_body


def test_a_red_flag_stop_says_plainly_stop_and_see_a_clinician_and_that_we_do_not_diagnose() -> None:
    reason = "you reported on Mon 23 Nov: numbness or tingling spreading below the buttock"
    message = plan_changed(reasons=[reason], plan_url=PLAN_URL, red_flag_stop=True)

    assert "stop" in message.subject.lower() and "clinician" in message.subject
    first_paragraph = message.text.split("\n\n")[0]
    assert first_paragraph.startswith("Please stop the exercises and runs in your plan")
    assert "see a doctor or sports physiotherapist" in first_paragraph
    assert "RehabPlan does not diagnose" in message.text
    assert "You reported on Mon 23 Nov: numbness" in message.text
    assert "stop" in message.push_title.lower() and "clinician" in message.push_title
    assert "not a diagnosis" in message.push_body
    assert message.url == PLAN_URL


def test_the_physio_digest_has_one_line_per_patient_with_their_link() -> None:
    message = physio_digest(patients=PATIENTS, patients_url=PATIENTS_URL)

    assert message.subject == "2 patients need a look"
    assert "- Ana Silva: Red flag reported; Pain above their limit\n  https://rehabplan.example/patients/7/" in (
        message.text
    )
    assert "- Ben Okafor: No logs for a week\n  https://rehabplan.example/patients/9/" in message.text
    assert message.text.rstrip().endswith(PATIENTS_URL)
    assert message.url == PATIENTS_URL
    assert message.push_body.startswith("Ana Silva: Red flag reported")
    assert physio_digest(patients=PATIENTS[:1], patients_url=PATIENTS_URL).subject == "1 patient needs a look"


def test_every_kind_has_its_own_subject_and_fits_a_push_notification() -> None:
    messages = every_kind()

    assert len({message.subject for message in messages.values()}) == len(messages)
    for message in messages.values():
        assert 0 < len(message.push_body) <= PUSH_LIMIT
        assert message.push_title
        assert message.url.startswith("https://")


def test_no_slug_field_name_or_code_reaches_the_runner() -> None:
    snake_case = re.compile(r"\b[a-z]+_[a-z_]+\b")
    for kind, message in every_kind().items():
        for field in (message.subject, message.text, message.push_title, message.push_body):
            assert not snake_case.search(field), (kind, field)
            assert "nordic_curl" not in field and "red_flag" not in field and "None" not in field


# ---------------------------------------------------------------- push truncation


def test_a_long_day_shows_whole_lines_in_the_push_and_says_how_many_more() -> None:
    lines = [f"Exercise number {n} with a long name: 3 × 12, 10, 8 each leg" for n in range(1, 11)]
    body = session_reminder(day=MONDAY, lines=lines, today_url=TODAY_URL).push_body

    assert len(body) <= PUSH_LIMIT
    assert body == f"{lines[0]}, and 9 more"  # two lines would not fit with the count after them


def test_a_day_of_only_a_warm_up_still_shows_it_in_the_push() -> None:
    body = session_reminder(day=MONDAY, lines=STRENGTH_AND_RUN[:1], today_url=TODAY_URL).push_body

    assert body.startswith("Warm-up: cycling with clip-in pedals (5 min)")
    assert len(body) <= PUSH_LIMIT


def test_lines_that_fit_are_all_shown_in_the_push() -> None:
    body = session_reminder(day=MONDAY, lines=["Nordic hamstring curl: 2 × 5", "Easy run: 5 km"], today_url=TODAY_URL)

    assert body.push_body == "Nordic hamstring curl: 2 × 5; Easy run: 5 km"


def test_one_line_too_long_for_the_push_is_cut_after_a_whole_word() -> None:
    reason = "Your pain stayed above your limit " * 10
    body = plan_changed(reasons=[reason, "second reason"], plan_url=PLAN_URL).push_body

    assert len(body) <= PUSH_LIMIT
    assert body.endswith("…, and 1 more")
    kept = body.removesuffix("…, and 1 more")
    assert reason.startswith(kept) and reason[len(kept)] == " "  # cut between words, never inside one


def test_a_single_enormous_word_is_still_cut_to_the_limit() -> None:
    body = physio_digest(patients=[DigestPatient("A" * 400, (), "https://x.example/")], patients_url=PATIENTS_URL)

    assert len(body.push_body) == PUSH_LIMIT
    assert body.push_body.endswith("…")


# ---------------------------------------------------------------- several at once


def test_one_message_combined_is_itself() -> None:
    message = missed_session(missed_day=MONDAY, today_url=TODAY_URL)

    assert combined([message]) == message


def test_messages_due_together_become_one_led_by_the_first() -> None:
    session = session_reminder(day=MONDAY, lines=STRENGTH_AND_RUN, today_url=TODAY_URL)
    check = morning_check(session_day=MONDAY - dt.timedelta(days=1), check_url=CHECK_URL)
    change = plan_changed(reasons=REASONS, plan_url=PLAN_URL)

    message = combined([session, check, change])

    assert message.subject == "Today: your exercises and an easy run (and 2 more updates)"
    assert message.url == TODAY_URL
    assert message.push_title == session.push_title
    assert len(message.push_body) <= PUSH_LIMIT
    assert message.push_body.startswith("Nordic hamstring curl: 2 × 5; Single-leg bridge")
    positions = [message.text.index(part.text) for part in (session, check, change)]
    assert positions == sorted(positions)  # each whole text, in order
    for part in (check, change):
        assert f"{part.subject}\n\n{part.text}" in message.text  # each section under its own heading
    assert combined([check, change]).subject == "How does your leg feel this morning? (and 1 more update)"


def test_combining_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        combined([])
