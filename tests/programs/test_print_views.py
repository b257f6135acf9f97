"""The printable program (`plan-print`) and its PDF (`plan-pdf`): one section a week with the days, each exercise
once with its doses, how often and its cues, a pain-log table to fill in, the pain limit and the safety list; the
PDF drawn by WeasyPrint from the same page. Plans are made through the real services; nothing is mocked."""

from __future__ import annotations

import html
import re
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RunnerProfile, User
from exercises.models import Exercise
from programs.choices import PlanStatus
from programs.models import Plan
from programs.outputs.printing import plan_pdf_document
from programs.selectors import plans as selectors
from programs.templatetags.plans import dose_text
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

WEEKS = 4
LOGIN_PAGE = "/accounts/login/"
PAGES = ["programs:plan-print", "programs:plan-pdf"]


def _visible(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _week_sections(page: str) -> list[str]:
    """The markup of each week's section, in order."""
    return re.findall(r'<section class="print-week".*?</section>', page, re.S)


def _pdf_page_count(pdf: bytes) -> int:
    """The pages of a PDF, counted without a PDF library: each page is a "/Type /Page" dictionary ("/Pages" is the
    tree), in the file or in a compressed object stream."""
    parts = [pdf]
    for stream in re.findall(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:  # a stream that is not one piece of zlib data (fonts are found whole)
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, WEEKS)


@pytest.fixture
def red_flag_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    intake_data["symptoms"]["bladder_or_bowel_change"] = True
    plan = create_plan(runner, intake_data, WEEKS)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    return plan


# ---------------------------------------------------------------- the printable page


def test_the_runner_prints_one_section_a_week_with_days_exercises_doses_cues_and_a_pain_log(
    client: Client, runner: User, plan: Plan
) -> None:
    client.force_login(runner)
    response = client.get(reverse("programs:plan-print", args=[plan.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    weeks = _week_sections(page)
    assert len(weeks) == WEEKS
    guide_section = re.search(r'<section class="print-guide">.*?</section>', page, re.S)
    assert guide_section is not None and page.index("print-guide") < page.index("print-week")
    guide = guide_section.group()
    stored = selectors.plan_read(plan)
    first_week = [s for s in stored.sessions if s.week_number == 1 and s.kind != "rest"]
    week_one = _visible(weeks[0])
    assert "Week 1" in week_one and "Running up to" in week_one and stored.weeks[0].unit in week_one
    for session in first_week:
        for item in session.items:
            assert item.spec is not None
            # Each exercise once in the week's list with its dose; its cues once, in "How to do each exercise".
            assert weeks[0].count(f"<strong>{html.escape(item.spec.name)}</strong>:") == 1, item.spec.name
            assert dose_text(item.dose, item.spec) in week_one
            assert guide.count(f"<dt>{html.escape(item.spec.name)}</dt>") == 1, item.spec.name
            for cue in item.spec.cues:
                assert html.escape(cue) in guide and cue not in week_one
    # How often is what the week holds: the single-leg bridge's days, by name.
    bridge_days = sorted({s.date for s in first_week for i in s.items if i.exercise == "single_leg_bridge"})
    listed = ", ".join(day.strftime("%a") for day in bridge_days)
    assert f"each leg on {len(bridge_days)} days this week ({listed})" in week_one
    # The pain log: a row per day with something to do, and the four columns to fill in by hand.
    log = re.search(r'<table class="print-log">.*?</table>', weeks[0], re.S)
    assert log is not None
    assert all(
        heading in _visible(log.group())
        for heading in ("Done?", "Pain during (0–10)", "Pain next morning (0–10)", "Notes")
    )
    training_days = {s.date for s in first_week}
    assert log.group().count('<tr><th scope="row">') == len(training_days)
    assert page.count('<table class="print-log">') == WEEKS


def test_the_first_page_explains_the_pain_limit_and_when_to_stop(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:plan-print", args=[plan.pk])).content.decode()

    cover = _visible(page[: page.index('<section class="print-week"')])
    limits = plan.pain_limits
    assert limits is not None
    assert f"your pain may reach {limits['during']} out of 10" in cover
    assert "By the next morning it should have settled" in cover
    assert "When to stop and see someone" in cover
    assert runner.email in cover and START.strftime("%-d %B %Y") in cover
    assert reverse("programs:plan-pdf", args=[plan.pk]) in page
    assert "data-print" in page and "window.print" not in page  # the button's script is a file, not inline


def test_a_runner_reads_no_slugs_field_names_or_sources(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    text = _visible(client.get(reverse("programs:plan-print", args=[plan.pk])).content.decode())

    slugs = {slug for slug in Exercise.objects.values_list("slug", flat=True) if "_" in slug}
    assert not [slug for slug in slugs | {"cross_training", "pain_limit"} if slug in text]
    assert "Seed" not in text and "§" not in text


def test_a_plan_that_needs_a_clinician_prints_the_referral_only(
    client: Client, runner: User, red_flag_plan: Plan
) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:plan-print", args=[red_flag_plan.pk])).content.decode()

    text = _visible(page)
    assert red_flag_plan.referral is not None
    assert "Please see a clinician before you start" in text
    assert red_flag_plan.referral["message"] in text
    assert not _week_sections(page)
    assert "print-log" not in page and "Your pain limit" not in text
    assert START.strftime("%-d %B %Y") not in text  # no dates for a program that has not started


def test_the_plan_page_links_to_the_printable_program(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:plan-detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("programs:plan-print", args=[plan.pk])}"' in page
    assert "Print or save as PDF" in page


# ---------------------------------------------------------------- the PDF


def test_the_pdf_is_a_download_with_a_page_or_more_a_week(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    response = client.get(reverse("programs:plan-pdf", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="rehabplan-{START.isoformat()}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert _pdf_page_count(response.content) >= WEEKS + 1  # the cover, then each week on a page of its own


def test_each_week_of_the_pdf_starts_a_page(plan: Plan) -> None:
    document = plan_pdf_document(plan)
    # A week that runs on to a second page carries its anchor there too: its first page is where it starts.
    starts: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            starts.setdefault(anchor, number)
    weeks = [starts[f"week-{n}"] for n in range(1, WEEKS + 1)]
    assert weeks == sorted(set(weeks))  # in order, never two weeks starting on one page
    assert weeks[0] > 1  # the cover page comes first
    # Nothing of a week is on the page where the next one starts.
    for number, first in enumerate(weeks[1:], start=1):
        assert f"week-{number}" not in document.pages[first - 1].anchors


def test_each_week_of_the_pdf_fits_one_page(plan: Plan) -> None:
    """The cover, "how to do each exercise", then one page a week: its days with the pain log and its doses."""
    document = plan_pdf_document(plan)
    starts = {anchor: number for number, page in enumerate(document.pages, start=1) for anchor in page.anchors}
    weeks = [starts[f"week-{n}"] for n in range(1, WEEKS + 1)]
    assert weeks == list(range(weeks[0], weeks[0] + WEEKS))
    assert len(document.pages) == weeks[-1]


def test_the_pdf_of_a_plan_that_needs_a_clinician_is_the_referral(
    client: Client, runner: User, red_flag_plan: Plan
) -> None:
    client.force_login(runner)
    response = client.get(reverse("programs:plan-pdf", args=[red_flag_plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _pdf_page_count(response.content) == 1


# ---------------------------------------------------------------- who may print a plan


@pytest.mark.parametrize("page", PAGES)
def test_the_runners_linked_physio_may_print_it(client: Client, physio: User, plan: Plan, page: str) -> None:
    client.force_login(physio)
    assert client.get(reverse(page, args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("outsider", ["other_runner", "other_physio"])
def test_anyone_else_gets_a_404(
    client: Client, plan: Plan, page: str, outsider: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse(page, args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_plan_that_does_not_exist_is_a_404_too(client: Client, runner: User, page: str) -> None:
    client.force_login(runner)
    assert client.get(reverse(page, args=[999_999])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in(client: Client, plan: Plan, page: str) -> None:
    response = client.get(reverse(page, args=[plan.pk]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == LOGIN_PAGE


# ---------------------------------------------------------------- bounded queries


@pytest.mark.parametrize("page", PAGES)
def test_a_24_week_plan_prints_in_a_few_queries(
    client: Client, runner: User, intake_data: dict[str, Any], page: str, django_assert_max_num_queries: Any
) -> None:
    long_plan = create_plan(runner, intake_data, 24)
    client.force_login(runner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(page, args=[long_plan.pk]))
    assert response.status_code == 200


def test_advice_to_get_checked_prints_beside_the_plan(
    client: Client, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["numbness_or_tingling"] = True
    advised = create_plan(runner, intake_data, 2)
    assert advised.status == PlanStatus.ACTIVE and advised.referral is not None
    client.force_login(runner)
    page = client.get(reverse("programs:plan-print", args=[advised.pk])).content.decode()

    cover = _visible(page[: page.index('<section class="print-week"')])
    assert "Please get this checked" in cover and advised.referral["message"] in cover
    assert len(_week_sections(page)) == 2


def test_running_is_printed_in_the_runners_unit(client: Client, runner: User, intake_data: dict[str, Any]) -> None:
    intake_data["units"] = "mi"
    in_miles = create_plan(runner, intake_data, 1)
    RunnerProfile.objects.filter(user=runner).update(units="mi")
    client.force_login(runner)
    week = _visible(_week_sections(client.get(reverse("programs:plan-print", args=[in_miles.pk])).content.decode())[0])

    assert re.search(r"Running up to [\d.]+ miles in at most", week)
    assert re.search(r"Easy run [\d.]+ miles", week) and " km" not in week
