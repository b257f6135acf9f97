"""The intake's referrals and new answers on the pages and the API: a sign that stops the plan ends the questions at
the safety step (no equipment, no "Make my plan"); the count of earlier strains and keeping walk breaks are asked,
checked, stored and shown again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import Intake, Plan
from tests.api.conftest import client_for
from tests.pages import at, main_text
from tests.programs.plans import START
from tests.programs.test_intake_views import SLUGS, _answers, _checked, _field_errors, _url, _walk

pytestmark = pytest.mark.django_db

API = "/api/v1/intakes/"


@pytest.fixture
def runner_client(client: Client, runner: User) -> Client:
    client.force_login(runner)
    return client


# ---------------------------------------------------------------- a stop ends the questions


def test_an_emergency_at_the_safety_step_shows_only_the_referral(runner_client: Client, runner: User) -> None:
    answers = _answers(safety={"bladder_or_bowel_change": "yes"})
    with at(START):
        for slug in SLUGS[:3]:
            runner_client.post(_url(slug), answers[slug] | {"nav": "next"})
        saved = runner_client.post(_url("safety"), answers["safety"] | {"nav": "next"})
        assert saved.status_code == 302 and saved["Location"] == reverse("programs:intake-referral")
        page = runner_client.get(saved["Location"])
        ahead = runner_client.get(_url("equipment-and-days"))
    text = main_text(page.content)
    assert "Go to an emergency department now." in text and "Until then" in text
    assert "Make my plan" not in text and "What do you have?" not in text and "Which days" not in text
    assert "Answer the questions again" not in text, "an emergency page asks nothing more"
    assert ahead.status_code == 302 and ahead["Location"] != _url("equipment-and-days")
    plan = Plan.objects.get(runner=runner)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN and plan.referral is not None
    assert plan.referral["urgency"] == "emergency"
    assert plan.intake.data["equipment"] == [] and plan.intake.data["available_days"]


def test_an_urgent_stop_also_ends_the_questions_but_offers_to_answer_again(runner_client: Client) -> None:
    answers = _answers(safety={"fever_or_unwell": "yes"})
    with at(START):
        for slug in SLUGS[:3]:
            runner_client.post(_url(slug), answers[slug] | {"nav": "next"})
        saved = runner_client.post(_url("safety"), answers["safety"] | {"nav": "next"})
        text = main_text(runner_client.get(saved["Location"]).content)
    assert saved["Location"] == reverse("programs:intake-referral")
    assert "See a doctor or physiotherapist within a day or two." in text and "Make my plan" not in text
    assert "Answer the questions again" in text


def test_a_stop_with_an_unanswered_question_offers_to_save_not_to_make_a_plan(runner_client: Client) -> None:
    safety = _answers(safety={"saddle_numbness": "yes"})["safety"]
    del safety["night_pain"]
    with at(START):
        for slug in SLUGS[:3]:
            runner_client.post(_url(slug), _answers()[slug] | {"nav": "next"})
        response = runner_client.post(_url("safety"), safety | {"nav": "next"})
    text = main_text(response.content)
    assert response.status_code == 400
    assert "Go to an emergency department now." in text
    assert "Save my answers" in text and "Make my plan" not in text and "Next" not in text


# ---------------------------------------------------------------- earlier strains and walk breaks in the wizard


def test_the_wizard_stores_the_count_of_strains_and_walk_breaks_and_asks_them_again(
    runner_client: Client, runner: User
) -> None:
    answers = _answers(
        hamstring={"previous_hamstring_injury": "yes", "previous_strains": "3"}, running={"keep_walk_run": "yes"}
    )
    with at(START):
        _walk(runner_client, answers)
        again = runner_client.get(_url("hamstring")).content.decode()
        running = runner_client.get(_url("running")).content
    data = Intake.objects.get(runner=runner).data
    assert data["symptoms"]["previous_strains"] == 3 and data["symptoms"]["previous_hamstring_injury"] is True
    assert data["running"]["keep_walk_run"] is True
    plan = Plan.objects.get(runner=runner)
    assert plan.referral is not None and "3 earlier hamstring strains" in plan.referral["message"]
    assert 'name="previous_strains" value="3"' in again
    assert _checked(running, "keep_walk_run") == ["yes"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"previous_hamstring_injury": "yes", "previous_strains": ""}, "Tell us how many times"),
        ({"previous_hamstring_injury": "no", "previous_strains": "2"}, "so this is 0"),
        ({"previous_hamstring_injury": "yes", "previous_strains": "21"}, "Enter a whole number from 0 to 20"),
        ({"previous_hamstring_injury": "yes", "previous_strains": "lots"}, "Enter a whole number from 0 to 20"),
    ],
)
def test_a_count_of_strains_that_does_not_fit_is_shown_next_to_it(
    runner_client: Client, answers: dict[str, str], message: str
) -> None:
    with at(START):
        for slug in SLUGS[:2]:
            runner_client.post(_url(slug), _answers()[slug] | {"nav": "next"})
        response = runner_client.post(_url("hamstring"), _answers(hamstring=answers)["hamstring"] | {"nav": "next"})
    assert response.status_code == 400
    assert message in _field_errors(response.content, "previous_strains")


# ---------------------------------------------------------------- the API


def test_the_api_stores_the_count_of_strains_and_walk_breaks(runner: User, intake_data: dict[str, Any]) -> None:
    runner_api = client_for(runner)
    intake_data["symptoms"]["previous_strains"] = 2
    del intake_data["symptoms"]["previous_hamstring_injury"]  # the count alone answers it
    intake_data["running"]["keep_walk_run"] = True
    response = runner_api.post(API, intake_data, format="json")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["symptoms"]["previous_strains"] == 2 and data["symptoms"]["previous_hamstring_injury"] is True
    assert data["running"]["keep_walk_run"] is True


def test_an_old_client_that_sends_only_the_yes_counts_one_strain(runner: User, intake_data: dict[str, Any]) -> None:
    runner_api = client_for(runner)
    intake_data["symptoms"]["previous_hamstring_injury"] = True
    intake_data["symptoms"].pop("previous_strains", None)
    intake_data["running"].pop("keep_walk_run", None)
    data = runner_api.post(API, intake_data, format="json").json()["data"]
    assert data["symptoms"]["previous_strains"] == 1 and data["running"]["keep_walk_run"] is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"symptoms": {"previous_strains": 21}}, "symptoms.previous_strains"),
        ({"symptoms": {"previous_strains": -1}}, "symptoms.previous_strains"),
        ({"symptoms": {"previous_strains": "many"}}, "symptoms.previous_strains"),
        (
            {"symptoms": {"previous_strains": 2, "previous_hamstring_injury": False}},
            "symptoms.previous_hamstring_injury",
        ),
        ({"symptoms": {"previous_strains": None, "previous_hamstring_injury": None}}, "symptoms.previous_strains"),
        ({"running": {"keep_walk_run": "maybe"}}, "running.keep_walk_run"),
    ],
)
def test_bad_answers_about_strains_or_walk_breaks_are_field_errors(
    runner: User, intake_data: dict[str, Any], changes: dict[str, dict[str, Any]], field: str
) -> None:
    for part, values in changes.items():
        intake_data[part] |= values
    response = client_for(runner).post(API, intake_data, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors and all(message.strip() for message in errors[field])
    assert not Intake.objects.exists()
