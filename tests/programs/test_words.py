"""Wording written once (programs.clinical.words): every surface that tells a runner how soon to see someone says the same
sentence, so a runner is never told 'within 24-48 hours' on one page and 'within a day or two' on another; every
surface names a session kind the same way ("Run", never also "Running")."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from programs.clinical import words
from programs.clinical.types import RED_FLAGS, SESSION_KINDS, URGENCIES, Session
from programs.outputs.calendar import session_summary
from programs.templatetags.plans import session_label
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan

# A red-flag answer for each urgency: two stop the plan, one keeps it going beside the advice.
FLAG_FOR = {"emergency": "bladder_or_bowel_change", "urgent": "unable_to_walk_normally", "soon": "numbness_or_tingling"}


def test_every_urgency_has_one_sentence_and_the_pure_core_stays_pure() -> None:
    assert set(words.URGENCY_WORDS) == set(URGENCIES) == set(FLAG_FOR)
    tree = ast.parse(Path(words.__file__).read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if name.startswith("django")]


@pytest.mark.django_db
@pytest.mark.parametrize("urgency", sorted(FLAG_FOR))
def test_the_intake_result_today_the_physio_pages_and_the_api_say_the_same_urgency(
    urgency: str, client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"][FLAG_FOR[urgency]] = True
    plan = create_plan(runner, intake_data, weeks=4)
    assert plan.referral is not None and plan.referral["urgency"] == urgency
    said = words.urgency_words(urgency)
    api = APIClient()
    api.force_authenticate(runner)

    with at(START):
        client.force_login(runner)
        if plan.referral["stops_plan"]:
            assert said in main_text(client.get(reverse("programs:intake-referral")).content)
        today = main_text(client.get(reverse("programs:home")).content)
        intake_api = api.get(f"/api/v1/intakes/{plan.intake_id}/").json()
        client.force_login(physio)
        patient_page = main_text(client.get(reverse("programs:patient-detail", args=[runner.pk])).content)
        clearance = main_text(client.get(reverse("programs:plan-clearance", args=[runner.pk, plan.pk])).content)

    assert said in today
    assert said in patient_page
    assert said in intake_api["referral"]["message"]
    assert words.urgency_label(urgency) in clearance
    # Reminder e-mails carry no urgency: a red-flag stop mail says "see a doctor or sports physiotherapist" with no
    # time frame (programs.reminders.messages.plan_changed), so there is nothing there to drift.


# ---------------------------------------------------------------- session kinds

PROGRAMS = Path(words.__file__).parent


@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_pages_e_mails_print_and_the_calendar_name_a_session_kind_from_the_one_map(kind: str) -> None:
    label = words.SESSION_KIND_LABELS[kind]
    assert session_label(kind) == label  # the template filter behind pages, print and e-mail lines
    if kind not in ("run", "rest"):  # a run is titled by its runs; rest days have no event
        assert session_summary(Session(kind, estimated_minutes=20), {}, "km", "km") == f"{label} · about 20 min"


def test_no_other_module_spells_out_a_session_kind_label() -> None:
    labels = {"Cross-training", "Rest day", words.RUNNING_NAME}
    found = []
    for path in PROGRAMS.rglob("*.py"):
        if path.name == "words.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in labels:
                found.append(f"{path.relative_to(PROGRAMS)}:{node.lineno} {node.value!r}")
    assert not found


def test_every_red_flag_reads_back_in_the_words_of_its_question() -> None:
    assert set(words.RED_FLAG_WORDS) == set(RED_FLAGS)
    assert words.red_flag_words("saddle_numbness") == "numbness around the groin or buttocks"
    assert not any("_" in text or "saddle" in text for text in words.RED_FLAG_WORDS.values())


def test_a_reason_opening_with_the_rules_verb_reads_in_plain_words() -> None:
    reason = "regressed: pain 6/10 during it on Mon 23 Nov, limit 5"
    assert words.reason_in_words(reason) == "stepped back: pain 6/10 during it on Mon 23 Nov, limit 5"
    assert words.reason_without_verb(reason) == "pain 6/10 during it on Mon 23 Nov, limit 5"
    assert words.reason_in_words("Your physio lowered the dose.") == "Your physio lowered the dose."
