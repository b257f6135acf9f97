"""The intake wizard: five steps kept in the session, the whole intake checked at the end, then a plan or a referral.

Every test walks the pages as a runner's browser would (plain POST and redirect); "today" is set with time-machine.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RunnerProfile, User
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanStatus
from programs.clinical.types import RED_FLAGS
from programs.forms.intake import RunningForm
from programs.forms.intake_answers import error_paths
from programs.models import Intake, Plan, PlannedSession
from programs.selectors import plans as selectors
from programs.views.intake import SESSION_KEY, STEPS
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

SLUGS = [step.slug for step in STEPS]
ANSWERS: dict[str, dict[str, Any]] = {
    "about-you": {"age": "41", "sex": "female", "units": "km"},
    "running": {
        "weekly_distance": "48",
        "runs_per_week": "5",
        "longest_run": "18",
        "months_running": "72",
        "races_per_year": "6",
        "does_speed_work": "yes",
        "goal": "return_to_running",
        "goal_race_date": "",
        "goal_race_distance": "",
    },
    "hamstring": {
        "side": "left",
        "onset": "gradual",
        "onset_date": "",
        "weeks_since_onset": "3",
        "pain_at_rest": "0",
        "pain_walking": "0",
        "pain_running": "3",
        "location": "mid_thigh",
        "worse_when": ["long_runs"],
        "previous_hamstring_injury": "no",
        "not_improving": "no",
    },
    "safety": {flag: "no" for flag in RED_FLAGS},
    "equipment-and-days": {
        "equipment": ["mat", "band", "bike"],
        "available_days": ["mon", "tue", "thu", "sat"],
        "minutes_per_session": "40",
        "plan_weeks": "8",
    },
}


def _url(slug: str) -> str:
    return reverse("programs:intake-step", args=[slug])


def _answers(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers = copy.deepcopy(ANSWERS)
    for slug, values in changes.items():
        answers[slug.replace("_", "-")] |= values
    return answers


def _walk(client: Client, answers: dict[str, dict[str, Any]]) -> Any:
    """Answer every step with Next; returns the last step's response (a redirect when everything was valid)."""
    response = None
    for slug in SLUGS:
        response = client.post(_url(slug), answers[slug] | {"nav": "next"})
        assert response.status_code == 302, (slug, main_text(response.content)[:2000])
    return response


def _field_errors(content: bytes, name: str) -> str:
    """The messages shown next to one field (its error list), as text."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def _checked(content: bytes, name: str) -> list[str]:
    return re.findall(rf'<input type="(?:radio|checkbox)" name="{name}" value="([^"]*)"[^>]*checked', content.decode())


@pytest.fixture
def runner_client(client: Client, runner: User) -> Client:
    client.force_login(runner)
    return client


def test_walking_all_steps_creates_one_intake_and_one_plan(runner_client: Client, runner: User) -> None:
    with at(START):
        first = runner_client.get(reverse("programs:intake-start"))
        assert first.status_code == 302 and first["Location"] == _url("about-you")
        page = runner_client.get(_url("about-you"))
        assert "Step 1 of 5" in main_text(page.content)
        assert 'aria-current="step"' in page.content.decode()
        assert _checked(page.content, "units") == ["km"]  # the runner's chosen units, the first time
        last = _walk(runner_client, ANSWERS)
        assert last["Location"] == reverse("programs:home")
        home = runner_client.get(last["Location"])
    intake = Intake.objects.get(runner=runner)
    plan = Plan.objects.get(runner=runner)
    assert plan.intake == intake and plan.status == PlanStatus.ACTIVE and plan.referral is None
    assert plan.start == START and plan.weeks == 8
    assert intake.data["running"]["weekly_distance"] == 48 and intake.data["symptoms"]["days_since_onset"] == 21
    assert intake.data["available_days"] == ["mon", "tue", "thu", "sat"] and intake.data["goal"] == "return_to_running"
    assert "Your plan is ready" in main_text(home.content)
    assert SESSION_KEY not in runner_client.session


def test_distances_are_asked_in_the_units_chosen_first(runner_client: Client, runner: User) -> None:
    answers = _answers(about_you={"units": "mi"}, running={"weekly_distance": "30", "longest_run": "10,5"})
    with at(START):
        runner_client.post(_url("about-you"), answers["about-you"] | {"nav": "next"})
        text = main_text(runner_client.get(_url("running")).content)
        _walk(runner_client, answers)
    assert "How far do you usually run in a week? (miles)" in text
    data = Intake.objects.get(runner=runner).data
    assert data["units"] == "mi" and data["running"]["longest_run"] == 10.5
    assert RunnerProfile.objects.get(user=runner).units == "mi", "the runner's units from now on"


def test_back_keeps_every_answer_even_unchecked_ones(runner_client: Client) -> None:
    with at(START):
        runner_client.post(_url("about-you"), ANSWERS["about-you"] | {"nav": "next"})
        typed = ANSWERS["running"] | {"weekly_distance": "4o", "runs_per_week": "3", "nav": "back"}
        back = runner_client.post(_url("running"), typed)
        assert back.status_code == 302 and back["Location"] == _url("about-you")
        first = runner_client.get(_url("about-you")).content
        second = runner_client.get(_url("running")).content
    assert 'value="41"' in first.decode() and _checked(first, "sex") == ["female"]
    assert 'value="4o"' in second.decode() and 'value="3"' in second.decode()
    assert _checked(second, "does_speed_work") == ["yes"]


def test_letters_in_a_number_are_a_message_next_to_the_field_with_what_was_typed(runner_client: Client) -> None:
    with at(START):
        response = runner_client.post(_url("about-you"), {"age": "forty", "sex": "male", "units": "km"})
    assert response.status_code == 400
    assert _field_errors(response.content, "age") == "Enter a whole number from 12 to 100."
    assert 'value="forty"' in response.content.decode() and _checked(response.content, "sex") == ["male"]


@pytest.mark.parametrize(
    ("slug", "changes", "field", "message"),
    [
        ("about-you", {"age": "7"}, "age", "Enter a whole number from 12 to 100."),
        ("running", {"weekly_distance": "900"}, "weekly_distance", "Enter a number from 0 to 400, like 12 or 12.5."),
        ("running", {"runs_per_week": "0"}, "runs_per_week", "You run some distance each week, so this is at least 1."),
        ("running", {"goal": "race"}, "goal_race_date", "A race goal needs the race's date and distance."),
        ("running", {"goal_race_date": "2026-11-01", "goal_race_distance": "10k"}, "goal_race_date", "This date has"),
        ("hamstring", {"pain_running": "11"}, "pain_running", "Select a valid choice."),
        ("hamstring", {"weeks_since_onset": "", "onset_date": ""}, "onset_date", "Tell us when the pain started"),
        ("hamstring", {"onset": "none"}, "onset", "You have some pain"),
        ("hamstring", {"onset_date": "2026-13-40", "weeks_since_onset": ""}, "onset_date", "Enter the date as day"),
        ("equipment-and-days", {"available_days": []}, "available_days", "Tick at least one."),
        ("equipment-and-days", {"plan_weeks": "52"}, "plan_weeks", "Enter a whole number from 4 to 26."),
    ],
)
def test_a_wrong_answer_shows_its_message_next_to_the_field_and_keeps_the_step(
    runner_client: Client, slug: str, changes: dict[str, Any], field: str, message: str
) -> None:
    answers = _answers(**{slug.replace("-", "_"): changes})
    with at(START):
        for earlier in SLUGS[: SLUGS.index(slug)]:
            runner_client.post(_url(earlier), answers[earlier] | {"nav": "next"})
        response = runner_client.post(_url(slug), answers[slug] | {"nav": "next"})
    assert response.status_code == 400
    assert _field_errors(response.content, field).startswith(message)
    assert "Please check the answers marked below." in main_text(response.content)
    assert Intake.objects.count() == 0


def test_an_unanswered_safety_question_is_not_a_no(runner_client: Client) -> None:
    safety = {flag: "no" for flag in RED_FLAGS if flag != "night_pain"}
    with at(START):
        for slug in SLUGS[:3]:
            runner_client.post(_url(slug), ANSWERS[slug] | {"nav": "next"})
        response = runner_client.post(_url("safety"), safety | {"nav": "next"})
        ahead = runner_client.get(_url("equipment-and-days"))
    assert response.status_code == 400
    assert _field_errors(response.content, "night_pain") == "Please answer yes or no."
    assert _checked(response.content, "felt_pop") == ["no"] and _checked(response.content, "night_pain") == []
    assert "Did you feel or hear a pop when it started?" in main_text(response.content)
    assert ahead.status_code == 302 and ahead["Location"] == _url("safety")


def test_no_slugs_or_field_names_on_the_pages(runner_client: Client) -> None:
    with at(START):
        for slug in SLUGS:
            text = main_text(runner_client.get(_url(slug)).content)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (slug, re.findall(r"\b[a-z]+_[a-z_]+\b", text))
            runner_client.post(_url(slug), ANSWERS[slug] | {"nav": "next"})
    assert "Partner or fixed anchor for the ankles" in text


def test_a_pop_with_bruising_ends_on_see_a_clinician_with_no_exercises(runner_client: Client, runner: User) -> None:
    answers = _answers(safety={"felt_pop": "yes", "bruising": "yes"}, hamstring={"onset": "sudden"})
    with at(START):
        for slug in SLUGS[:3]:
            runner_client.post(_url(slug), answers[slug] | {"nav": "next"})
        last = runner_client.post(_url("safety"), answers["safety"] | {"nav": "next"})
        assert last["Location"] == reverse("programs:intake-referral"), "no equipment or days asked after a stop"
        page = runner_client.get(last["Location"])
        home = main_text(runner_client.get(reverse("programs:home")).content)
    plan = Plan.objects.get(runner=runner)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN and plan.referral["stops_plan"] is True
    text = main_text(page.content)
    assert "Please see a clinician before you start" in text
    assert "See a doctor or physiotherapist within a day or two." in text
    assert plan.referral["message"] in text and "Do not run" in text
    assert not PlannedSession.objects.filter(plan=plan, prescriptions__isnull=False).exists()
    assert "How to do it" not in text and "How to do it" not in home
    assert "Your exercises are paused" in home


def test_an_emergency_sign_says_go_to_an_emergency_department_now(runner_client: Client, runner: User) -> None:
    with at(START):
        _walk(runner_client, _answers(safety={"bladder_or_bowel_change": "yes"}))
        text = main_text(runner_client.get(reverse("programs:intake-referral")).content)
    assert "Go to an emergency department now." in text
    assert Plan.objects.get(runner=runner).referral["urgency"] == "emergency"


def test_an_advice_answer_lands_on_today_with_its_banner(runner_client: Client, runner: User) -> None:
    # A pop without bruising and walking normally: the plan goes on, with advice (screening's advise tier).
    with at(START):
        last = _walk(runner_client, _answers(safety={"felt_pop": "yes"}, hamstring={"onset": "sudden"}))
        assert last["Location"] == reverse("programs:home")
        text = main_text(runner_client.get(reverse("programs:home")).content)
    plan = Plan.objects.get(runner=runner)
    assert plan.status == PlanStatus.ACTIVE and plan.referral["stops_plan"] is False
    assert "Please get this checked" in text and plan.referral["message"] in text
    assert "Please read the advice at the top first." in text


def test_an_answer_that_went_stale_sends_the_runner_back_to_its_step(runner_client: Client) -> None:
    race_day = START + dt.timedelta(days=1)
    answers = _answers(running={"goal": "race", "goal_race_date": race_day.isoformat(), "goal_race_distance": "10k"})
    with at(START):
        for slug in SLUGS[:4]:
            runner_client.post(_url(slug), answers[slug] | {"nav": "next"})
    with at(race_day + dt.timedelta(days=1)):
        last = runner_client.post(_url("equipment-and-days"), answers["equipment-and-days"] | {"nav": "next"})
        assert last["Location"] == _url("running")
        page = runner_client.get(last["Location"])
    assert _field_errors(page.content, "goal_race_date").startswith("This date has passed")
    assert f'value="{race_day.isoformat()}"' in page.content.decode()
    assert Intake.objects.count() == 0


def test_the_serializers_messages_land_next_to_the_steps_fields(intake_data: dict[str, Any]) -> None:
    intake_data["goal"] = "race"
    intake_data["running"]["goal_race"] = None
    serializer = IntakeSerializer(data=intake_data, context={"start": START})
    assert not serializer.is_valid()
    paths = error_paths(serializer.errors)
    assert paths == [("running.goal_race", "A race goal needs the race's date and distance.")]
    form = RunningForm({"goal": "race"}, unit="km", today=START)
    form.is_valid()
    form.errors.clear()
    form.add_contract_error(*paths[0])
    assert form.errors["goal_race_date"] == ["A race goal needs the race's date and distance."]


def test_a_message_of_the_final_check_is_shown_on_its_step_with_the_answers_kept(runner_client: Client) -> None:
    # The step's own checks let a repeated day through; the whole-intake check at the end does not.
    answers = _answers(equipment_and_days={"available_days": ["mon", "mon", "wed"]})
    with at(START):
        last = _walk(runner_client, answers)
        assert last["Location"] == _url("equipment-and-days")
        page = runner_client.get(last["Location"])
        again = runner_client.get(last["Location"])
    assert _field_errors(page.content, "available_days") == "List each value once."
    assert _checked(page.content, "available_days") == ["mon", "wed"] and 'value="40"' in page.content.decode()
    assert _field_errors(again.content, "available_days") == ""  # shown once, then the step is asked afresh
    assert Intake.objects.count() == 0


def test_skipping_ahead_goes_to_the_first_unanswered_step(runner_client: Client) -> None:
    with at(START):
        response = runner_client.get(_url("equipment-and-days"))
        missing = runner_client.get(_url("no-such-step"))
    assert response.status_code == 302 and response["Location"] == _url("about-you")
    assert missing.status_code == 404


def test_a_second_intake_prefills_makes_a_new_version_and_one_current_plan(
    runner_client: Client, runner: User, intake_data: dict[str, Any]
) -> None:
    old = create_plan(runner, intake_data, weeks=4, start=START - dt.timedelta(days=14))
    with at(START):
        about = runner_client.get(_url("about-you")).content
        hamstring = runner_client.get(_url("hamstring")).content
        safety = runner_client.get(_url("safety")).content
        _walk(runner_client, ANSWERS)
    assert 'value="41"' in about.decode()
    assert _checked(hamstring, "side") == ["left"] and _checked(hamstring, "not_improving") == []
    assert _checked(safety, "felt_pop") == []  # the safety questions are asked afresh every time
    assert list(Intake.objects.filter(runner=runner).values_list("version", flat=True).order_by("version")) == [1, 2]
    old.refresh_from_db()
    current = selectors.runner_current_plan(runner)
    assert old.status == PlanStatus.ENDED and current is not None and current.intake.version == 2
    assert Plan.objects.filter(runner=runner).exclude(status=PlanStatus.ENDED).count() == 1


def test_another_runners_answers_never_show(client: Client, runner: User, other_runner: User) -> None:
    client.force_login(runner)
    with at(START):
        client.post(_url("about-you"), ANSWERS["about-you"] | {"age": "63", "nav": "next"})
        client.force_login(other_runner)
        fresh = client.get(_url("about-you")).content.decode()
        # Even answers left in the same session are read back for the runner who typed them only.
        session = client.session
        session[SESSION_KEY] = {"runner": runner.pk, "raw": {"about-you": {"age": "63"}}, "errors": {}, "checked": ""}
        session.save()
        carried = client.get(_url("about-you")).content.decode()
        ahead = client.get(_url("running"))
    assert 'value="63"' not in fresh and 'value="63"' not in carried
    assert ahead["Location"] == _url("about-you")


def test_anonymous_users_are_sent_to_log_in_and_physios_find_nothing(client: Client, physio: User) -> None:
    for url in (reverse("programs:intake-start"), _url("about-you"), reverse("programs:intake-referral")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(physio)
    for url in (reverse("programs:intake-start"), _url("about-you"), reverse("programs:intake-referral")):
        assert client.get(url).status_code == 404
    assert client.post(_url("about-you"), ANSWERS["about-you"]).status_code == 404
    assert Intake.objects.count() == 0
