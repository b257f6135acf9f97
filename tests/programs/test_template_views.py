"""A physio's template pages: the list (make one from a program, what each changes), the editor without a runner,
and deleting with confirmation. Another physio's template does not exist for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.models import ProgramTemplate
from programs.services.templates import template_create
from tests.pages import main_text
from tests.programs.test_program_editor_views import form_fields, kept_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(physio: User) -> ProgramTemplate:
    return template_create(
        owner=physio,
        name="Marathon ache",
        pathway="overuse_ache",
        weeks=6,
        program={"pain_limit": 4, "max_runs": 3, "removed": ["ball_rolling"]},
    )


def test_outsiders_never_reach_a_template(
    client: Client, template: ProgramTemplate, runner: User, other_physio: User
) -> None:
    urls = [
        reverse("programs:template-list"),
        reverse("programs:template-edit", args=[template.pk]),
        reverse("programs:template-delete", args=[template.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(runner)
    for url in urls:
        assert client.get(url).status_code in {403, 404}
        assert client.post(url, {"name": "Mine", "pathway": "prevention", "weeks": "4"}).status_code in {403, 404}
    client.force_login(other_physio)
    for url in urls[1:]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine", "pathway": "prevention", "weeks": "4"}).status_code == 404
    assert "Marathon ache" not in main_text(client.get(urls[0]).content)
    template.refresh_from_db()
    assert template.name == "Marathon ache"


def test_the_list_says_what_each_template_changes(client: Client, physio: User, template: ProgramTemplate) -> None:
    client.force_login(physio)
    response = client.get(reverse("programs:template-list"))
    page = main_text(response.content)
    assert response.status_code == 200
    assert "Marathon ache" in page
    assert "Gradual hamstring ache from running, 6 weeks, pain limit 4/10." in page
    assert "Leaves out Ball or foam-roller rolling" in page
    assert "At most 3 runs a week" in page
    assert "overuse_ache" not in page and "ball_rolling" not in page  # names, never slugs


def test_make_a_template_from_a_program_then_open_its_editor(client: Client, physio: User) -> None:
    client.force_login(physio)
    url = reverse("programs:template-list")
    bad = client.post(url, {"name": "Short", "pathway": "prevention", "weeks": "0"})
    assert bad.status_code == 400
    assert "Give a length from 1 to 52 weeks." in main_text(bad.content)
    assert form_fields(bad.content)["name"] == "Short"  # what was typed comes back
    assert not ProgramTemplate.objects.exists()
    response = client.post(url, {"name": "Short", "pathway": "prevention", "weeks": "4"})
    template = ProgramTemplate.objects.get(owner=physio)
    assert response.status_code == 302 and response["Location"] == reverse("programs:template-edit", args=[template.pk])
    assert (template.pathway, template.weeks, template.program) == ("prevention", 4, {})
    taken = client.post(url, {"name": "short", "pathway": "prevention", "weeks": "4"})
    assert taken.status_code == 400 and "You already have a template with this name." in main_text(taken.content)


def test_editing_a_template_round_trips_its_edits(client: Client, physio: User, template: ProgramTemplate) -> None:
    client.force_login(physio)
    url = reverse("programs:template-edit", args=[template.pk])
    page = client.get(url)
    assert page.status_code == 200
    fields = form_fields(page.content, having="shown")
    assert "keep__ball_rolling" not in fields and fields["pain_limit"] == "4" and fields["max_runs"] == "3"
    rows = kept_rows(fields)
    fixed = next(slug for slug in rows if f"dose__{slug}__reps" in fields)
    changes = {
        "name": "Marathon ache, gentler",
        "weeks": "8",
        "keep__ball_rolling": "on",
        f"dose__{fixed}__sets": "2",
        f"dose__{fixed}__reps": "6",
        "added-0-exercise": "glute_bridge",
        "added-0-kind": "strength",
        "pain_limit": "3",
        "max_runs": "",
        "weekly_distance_cap": "25",
    }
    response = client.post(url, {**fields, **changes})
    assert response.status_code == 302, main_text(response.content)
    template.refresh_from_db()
    assert (template.name, template.weeks) == ("Marathon ache, gentler", 8)
    assert template.program == {
        "doses": {fixed: {"sets": 2, "reps": 6}},
        "added": [{"exercise": "glute_bridge", "kind": "strength", "dose": {"sets": 4, "reps": 15}}],
        "pain_limit": 3,
        "weekly_distance_cap": 25.0,
    }


def test_bad_template_input_is_a_400_that_keeps_what_was_typed(
    client: Client, physio: User, template: ProgramTemplate
) -> None:
    client.force_login(physio)
    url = reverse("programs:template-edit", args=[template.pk])
    fields = form_fields(client.get(url).content, having="shown")
    for changes, message in [
        ({"pain_limit": "11"}, "A whole number from 0 to 10."),
        ({"weeks": "53"}, "Give a length from 1 to 52 weeks."),
        ({"name": ""}, "Give the template a name."),
        ({"max_runs": "9"}, "A whole number from 0 to 7."),
    ]:
        response = client.post(url, {**fields, **changes})
        assert response.status_code == 400, changes
        assert message in main_text(response.content), changes
        sent = form_fields(response.content, having="shown")
        for name, value in changes.items():
            assert sent[name] == value
    template.refresh_from_db()
    assert template.program == {"pain_limit": 4, "max_runs": 3, "removed": ["ball_rolling"]}


def test_delete_asks_first(client: Client, physio: User, template: ProgramTemplate) -> None:
    client.force_login(physio)
    url = reverse("programs:template-delete", args=[template.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete the template “Marathon ache”?" in main_text(confirm.content)
    assert ProgramTemplate.objects.filter(pk=template.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("programs:template-list")
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()


def test_the_list_runs_a_fixed_number_of_queries(
    client: Client, physio: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        template_create(owner=physio, name=f"Template {i}", pathway="prevention", weeks=4, program={"max_runs": 2})
    client.force_login(physio)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("programs:template-list")).status_code == 200


def test_a_template_adding_a_contraindicated_exercise_needs_a_reason(client: Client, physio: User) -> None:
    template = template_create(owner=physio, name="Sit bone", pathway="proximal_tendinopathy", weeks=8, program={})
    client.force_login(physio)
    url = reverse("programs:template-edit", args=[template.pk])
    fields = form_fields(client.get(url).content, having="shown")
    addition = {"added-0-exercise": "single_leg_rdl", "added-0-kind": "strength"}
    refused = client.post(url, {**fields, **addition})
    assert refused.status_code == 400
    assert "Single-leg Romanian deadlift is left out of the" in main_text(refused.content)
    template.refresh_from_db()
    assert template.program == {}
    reason = "Tolerates hinging to mid-range; assessed in clinic."
    saved = client.post(url, {**fields, **addition, "added-0-override": reason})
    assert saved.status_code == 302, main_text(saved.content)
    template.refresh_from_db()
    assert template.program["overrides"] == {"single_leg_rdl": reason}
