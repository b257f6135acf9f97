"""The physio's program editor pages: assigning a program (from the runner's answers, a pathway or a template, edited
before publishing) and adjusting an active plan. Forms are submitted as a browser would, from the page's own fields."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.services import catalogue_load
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import ExerciseLog, Plan, PlanChange, PlannedSession, Prescription, ProgramTemplate
from programs.services.logs import session_log_record
from programs.services.templates import template_create
from tests.pages import at, main_text
from tests.programs.plans import OLD_BRIDGE_NAME, START, create_plan, load_older_catalogue, record_intake
from tests.programs.test_patients import log_session

pytestmark = pytest.mark.django_db
NAMES = {spec.slug: spec.name for spec in load_catalogue_file().exercises}


class _Fields(HTMLParser):
    """The values a browser would send for each <form> of a page (checkboxes only when ticked)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        fields = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            else:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields.pop(name, None)
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")  # the selected option, else the first, as a browser sends
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def form_fields(content: bytes, index: int = -1, having: str = "csrfmiddlewaretoken") -> dict[str, Any]:
    parser = _Fields()
    parser.feed(content.decode())
    forms = [f for f in parser.forms if having in f]
    fields = dict(forms[index])
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def kept_rows(fields: dict[str, Any]) -> list[str]:
    return [name.removeprefix("keep__") for name in fields if name.startswith("keep__")]


@pytest.fixture
def intake(runner: User, physio: User, intake_data: dict[str, Any]) -> Any:
    return record_intake(runner, intake_data)


def _editor(client: Client, physio: User, runner: User, **query: str) -> tuple[str, dict[str, Any]]:
    client.force_login(physio)
    url = reverse("programs:program-assign", args=[runner.pk])
    with at(START):
        response = client.get(url, {"source": "intake", "start": START.isoformat(), "weeks": "4", **query})
    assert response.status_code == 200, main_text(response.content)
    return url, form_fields(response.content, having="shown")


def _post(client: Client, url: str, fields: dict[str, Any], **changes: Any) -> Any:
    data = {**fields, **changes}
    with at(START):
        return client.post(url, {k: v for k, v in data.items() if v is not None})


def _runner_today(client: Client, runner: User) -> str:
    client.force_login(runner)
    with at(START):
        return main_text(client.get(reverse("programs:home")).content)


# ---------------------------------------------------------------- who may use the pages


def test_only_the_linked_physio_reaches_the_editor(
    client: Client, runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    urls = [
        reverse("programs:program-assign", args=[runner.pk]),
        reverse("programs:program-edit", args=[runner.pk, plan.pk]),
        reverse("programs:template-from-plan", args=[runner.pk, plan.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
        assert reverse("accounts:login") in client.get(url)["Location"]
    for outsider in (other_physio, runner):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"action": "publish", "source": "intake"}).status_code == 404, url
    client.force_login(physio)
    missing = reverse("programs:program-assign", args=[runner.pk + 1000])
    assert client.get(missing).status_code == 404  # the same answer as for an existing runner not linked
    assert client.get(reverse("programs:program-edit", args=[runner.pk, plan.pk + 1000])).status_code == 404
    assert Plan.objects.filter(runner=runner).count() == 1


# ---------------------------------------------------------------- assigning


def test_step_one_offers_the_runners_own_choice_programs_by_name_and_templates(
    client: Client, runner: User, physio: User, intake: Any
) -> None:
    template_create(owner=physio, name="Marathoners", pathway="overuse_ache", weeks=6, program={})
    client.force_login(physio)
    with at(START):
        response = client.get(reverse("programs:program-assign", args=[runner.pk]))
    page = main_text(response.content)
    assert response.status_code == 200
    assert "What the runner's answers choose: Gradual hamstring ache from running" in page
    assert "Hamstring injury prevention." in page  # a program by its name, with when it is used
    assert "Your template “Marathoners”" in page
    assert 'value="2026-11-23"' in response.content.decode()  # the runner's today


def test_assign_from_the_runners_answers_publishes_at_once(
    client: Client, runner: User, physio: User, intake: Any
) -> None:
    url, fields = _editor(client, physio, runner)
    assert kept_rows(fields), "the editor lists the program's exercises"
    response = _post(client, url, fields, action="publish")
    assert response.status_code == 302
    assert response["Location"] in {reverse("programs:patient-detail", args=[runner.pk]), reverse("programs:patients")}
    plan = Plan.objects.get(runner=runner, status=PlanStatus.ACTIVE)
    assert plan.pathway == "overuse_ache" and plan.weeks == 4 and plan.program_edits == {}
    decision = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.ASSIGN)
    assert decision.author == physio
    first = Prescription.objects.filter(plan=plan).order_by("session__date", "position").first()
    assert first is not None
    assert first.exercise.name in _runner_today(client, runner)


def test_assign_from_a_pathway(client: Client, runner: User, physio: User, intake: Any) -> None:
    url, fields = _editor(client, physio, runner, source="pathway:prevention")
    assert _post(client, url, fields, action="publish").status_code == 302
    plan = Plan.objects.get(runner=runner, status=PlanStatus.ACTIVE)
    assert plan.pathway == "prevention"
    first = Prescription.objects.filter(plan=plan).order_by("session__date", "position").first()
    assert first is not None and first.exercise.name in _runner_today(client, runner)


def test_assign_from_a_template_starts_from_its_edits(client: Client, runner: User, physio: User, intake: Any) -> None:
    _url, plain = _editor(client, physio, runner)
    left_out = kept_rows(plain)[0]
    template = template_create(
        owner=physio,
        name="Gentle",
        pathway="overuse_ache",
        weeks=3,
        program={"removed": [left_out], "pain_limit": 4},
    )
    url, fields = _editor(client, physio, runner, source=f"template:{template.pk}", weeks="")
    assert f"keep__{left_out}" not in fields  # unticked: the template leaves it out
    assert fields["pain_limit"] == "4"
    assert _post(client, url, fields, action="publish").status_code == 302
    plan = Plan.objects.get(runner=runner, status=PlanStatus.ACTIVE)
    assert plan.weeks == 3
    assert plan.program_edits == {"removed": [left_out], "pain_limit": 4}
    assert not Prescription.objects.filter(plan=plan, exercise__slug=left_out).exists()
    assert set(Prescription.objects.filter(plan=plan).values_list("pain_limit", flat=True)) == {4}
    first = Prescription.objects.filter(plan=plan).order_by("session__date", "position").first()
    assert first is not None and first.exercise.name in _runner_today(client, runner)


def test_every_kind_of_edit_round_trips_into_the_plan(client: Client, runner: User, physio: User, intake: Any) -> None:
    url, fields = _editor(client, physio, runner)
    rows = kept_rows(fields)
    strength = [slug for slug in rows if f"dose__{slug}__reps" in fields]
    removed, fixed, moved = rows[-1], strength[0], strength[1]
    assert removed not in (fixed, moved)
    changes = {
        f"keep__{removed}": None,
        f"position__{moved}": "1",
        f"position__{fixed}": "2",
        f"dose__{fixed}__sets": "2",
        f"dose__{fixed}__reps": "7",
        "added-0-exercise": "single_leg_squat",
        "added-0-kind": "strength",
        "added-0-sets": "2",
        "added-0-reps": "9",
        "pain_limit": "4",
        "weeks": "3",
        "weekly_distance_cap": "20",
        "max_runs": "3",
    }
    fields.pop(f"keep__{removed}")
    preview = _post(client, url, fields, action="preview", **changes)
    assert preview.status_code == 200, main_text(preview.content)
    assert f"{NAMES['single_leg_squat']}: 2 × 9" in main_text(preview.content)
    response = _post(client, url, form_fields(preview.content, having="shown"), action="publish")
    assert response.status_code == 302
    plan = Plan.objects.get(runner=runner, status=PlanStatus.ACTIVE)
    edits = plan.program_edits
    assert edits["removed"] == [removed]
    assert edits["doses"] == {fixed: {"sets": 2, "reps": 7}}
    assert edits["added"] == [{"exercise": "single_leg_squat", "kind": "strength", "dose": {"sets": 2, "reps": 9}}]
    assert edits["order"][:2] == [moved, fixed]
    assert (edits["pain_limit"], edits["weekly_distance_cap"], edits["max_runs"]) == (4, 20.0, 3)
    assert plan.weeks == 3
    items = Prescription.objects.filter(plan=plan)
    assert not items.filter(exercise__slug=removed).exists()
    assert {tuple(sorted(p.dose.items())) for p in items.filter(exercise__slug=fixed)} == {(("reps", 7), ("sets", 2))}
    assert items.filter(exercise__slug="single_leg_squat").exists()
    for week in plan.plan_weeks.all():
        assert week.target_distance <= 20 and week.max_runs <= 3
    assert set(items.values_list("pain_limit", flat=True)) == {4}
    both = items.filter(exercise__slug=moved, session__prescriptions__exercise__slug=fixed).values("session")
    sessions = PlannedSession.objects.filter(pk__in=both).prefetch_related("prescriptions__exercise")
    assert sessions
    for session in sessions:
        order = [p.exercise.slug for p in session.prescriptions.all()]
        assert order.index(moved) < order.index(fixed)


def test_a_contraindicated_addition_needs_a_recorded_reason(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["location"] = "sit_bone"  # sit-bone tendon pain: its early stages leave out deep hinges
    record_intake(runner, intake_data)
    url, fields = _editor(client, physio, runner)
    addition = {"added-0-exercise": "single_leg_rdl", "added-0-kind": "strength"}
    refused = _post(client, url, fields, action="publish", **addition)
    page = main_text(refused.content)
    assert refused.status_code == 400
    assert NAMES["single_leg_rdl"] in page
    assert "override" in page
    assert form_fields(refused.content, having="shown")["added-0-exercise"] == "single_leg_rdl"  # kept as chosen
    assert not Plan.objects.filter(runner=runner).exists()

    reason = "Assessed: tolerates hinging to mid-range without pain."
    published = _post(client, url, fields, action="publish", **addition, **{"added-0-override": reason})
    assert published.status_code == 302, main_text(published.content)
    plan = Plan.objects.get(runner=runner)
    assert plan.program_edits["overrides"] == {"single_leg_rdl": reason}
    decision = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.ASSIGN)
    assert reason in decision.reason and NAMES["single_leg_rdl"] in decision.reason


def test_bad_input_is_a_400_with_plain_words_and_keeps_what_was_typed(
    client: Client, runner: User, physio: User, intake: Any
) -> None:
    url, fields = _editor(client, physio, runner)
    strength = next(slug for slug in kept_rows(fields) if f"dose__{slug}__reps" in fields)
    cases = [
        ({"weeks": "0"}, "Give a length from 1 to 52 weeks."),
        ({"pain_limit": "11"}, "A whole number from 0 to 10."),
        ({f"dose__{strength}__reps": "lots", f"dose__{strength}__sets": "3"}, "Reps: a whole number"),
        ({f"dose__{strength}__sets": "3"}, "together, or leave them all blank"),
        ({"added-0-exercise": "single_leg_squat", "added-0-minutes": "5"}, "leave the other boxes blank"),
        ({"weekly_distance_cap": "-2"}, "A distance above 0"),
    ]
    for changes, message in cases:
        response = _post(client, url, fields, action="publish", **changes)
        assert response.status_code == 400, changes
        assert message in main_text(response.content), changes
        sent = form_fields(response.content, having="shown")
        for name, value in changes.items():
            assert sent[name] == value, name  # what was typed comes back
    step_one = client.get(url, {"source": "nonsense", "start": "2026-11-23"})
    assert step_one.status_code == 400
    assert "Choose where the program starts from." in main_text(step_one.content)
    assert not Plan.objects.filter(runner=runner).exists()


def test_saving_the_edited_program_as_a_template(client: Client, runner: User, physio: User, intake: Any) -> None:
    url, fields = _editor(client, physio, runner)
    response = _post(client, url, fields, action="save_template", name="Long-run ache", pain_limit="3")
    assert response.status_code == 200, main_text(response.content)
    assert "Saved as your template “Long-run ache”." in main_text(response.content)
    template = ProgramTemplate.objects.get(owner=physio)
    assert (template.name, template.pathway, template.weeks, template.program) == (
        "Long-run ache",
        "overuse_ache",
        4,
        {"pain_limit": 3},
    )
    assert form_fields(response.content, having="shown")["pain_limit"] == "3"  # the editor stays as it was
    again = _post(client, url, fields, action="save_template", name="long-run ache")
    assert again.status_code == 400
    assert "You already have a template with this name." in main_text(again.content)
    assert not Plan.objects.filter(runner=runner).exists()  # saving a template publishes nothing


# ---------------------------------------------------------------- adjusting an active plan


def _active_plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _rows(plan: Plan, session_ids: list[int]) -> list[tuple[Any, ...]]:
    return list(
        Prescription.objects.filter(session_id__in=session_ids)
        .order_by("pk")
        .values_list("pk", "exercise__slug", "dose", "position", "reason", "pain_limit")
    )


def test_editing_an_active_plan_never_changes_logged_sessions(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _active_plan(runner, physio, intake_data)
    logged = plan.sessions.filter(kind="strength").order_by("date").first()
    assert logged is not None
    log_session(logged)
    today = logged.date + dt.timedelta(days=1)
    before = _rows(plan, [logged.pk])
    logs_before = list(ExerciseLog.objects.filter(session_log__session=logged).order_by("pk").values())
    removed = before[0][1]

    client.force_login(physio)
    url = reverse("programs:program-edit", args=[runner.pk, plan.pk])
    with at(today):
        page = client.get(url)
    assert page.status_code == 200
    assert "Completed sessions and everything already logged stay exactly as they were" in main_text(page.content)
    fields = form_fields(page.content, having="shown")
    assert fields["start"] == today.isoformat()
    fields.pop(f"keep__{removed}")
    with at(today):
        missing_note = client.post(url, {**fields, "action": "save"})
    assert missing_note.status_code == 400
    assert "Say why, in a sentence your patient will read." in main_text(missing_note.content)
    with at(today):
        past = client.post(url, {**fields, "action": "save", "note": "x", "start": START.isoformat()})
    assert past.status_code == 400 and "or later" in main_text(past.content)

    note = "Leaving this out while the ache settles."
    with at(today):
        response = client.post(url, {**fields, "action": "save", "note": note})
    assert response.status_code == 302, main_text(response.content)
    assert _rows(plan, [logged.pk]) == before
    assert list(ExerciseLog.objects.filter(session_log__session=logged).order_by("pk").values()) == logs_before
    assert not Prescription.objects.filter(plan=plan, session__date__gte=today, exercise__slug=removed).exists()
    decision = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.PROGRAM)
    assert (decision.author, decision.reason, decision.effective_from) == (physio, note, today)
    plan.refresh_from_db()
    assert plan.program_edits == {"removed": [removed]}
    with at(today):
        again = client.get(url)
    assert f"keep__{removed}" not in form_fields(again.content, having="shown")  # pre-filled from the plan's edits


def test_the_editor_shows_and_checks_a_plan_with_the_catalogue_it_is_pinned_to(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    load_older_catalogue()
    plan = _active_plan(runner, physio, intake_data)
    catalogue_load(catalogue=load_catalogue_file())  # new plans get the shipped file again
    client.force_login(physio)
    url = reverse("programs:program-edit", args=[runner.pk, plan.pk])
    with at(START):
        page = client.get(url)
    text = main_text(page.content)
    assert OLD_BRIDGE_NAME in text and NAMES["prone_leg_extension"] not in text, (
        "its exercises, as its catalogue has them"
    )
    fields = form_fields(page.content, having="shown")
    added = {"added-0-exercise": "prone_leg_extension", "added-0-kind": "strength", "added-0-sets": "2"}
    with at(START):
        preview = client.post(url, {**fields, **added, "added-0-reps": "10", "action": "preview"})
    assert preview.status_code == 400
    assert "prone_leg_extension is not one of the available choices" in main_text(preview.content)

    query = {"source": "intake", "start": START.isoformat(), "weeks": "4"}
    with at(START):
        assign_page = client.get(reverse("programs:program-assign", args=[runner.pk]), query)
    text = main_text(assign_page.content)
    assert NAMES["single_leg_bridge"] in text and NAMES["prone_leg_extension"] in text
    assert OLD_BRIDGE_NAME not in text, "a new plan is made from today's catalogue"


def test_saving_a_patients_program_as_a_template(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _active_plan(runner, physio, intake_data)
    plan.program_edits = {"pain_limit": 4}
    plan.save(update_fields=["program_edits"])
    client.force_login(physio)
    url = reverse("programs:template-from-plan", args=[runner.pk, plan.pk])
    assert client.get(url).status_code == 405
    with at(START):
        empty = client.post(url, {"name": ""})
    assert empty.status_code == 400 and "Give the template a name." in main_text(empty.content)
    with at(START):
        response = client.post(url, {"name": "From Anna"})
    template = ProgramTemplate.objects.get(owner=physio)
    assert response.status_code == 302 and response["Location"] == reverse("programs:template-edit", args=[template.pk])
    assert (template.pathway, template.weeks, template.program) == (plan.pathway, 4, {"pain_limit": 4})


def test_a_runner_who_needs_a_clinician_gets_a_plan_that_waits_for_one(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["fever_or_unwell"] = True
    record_intake(runner, intake_data)
    url, fields = _editor(client, physio, runner)
    response = _post(client, url, fields, action="preview")
    assert response.status_code == 200
    assert "No weeks to show: the plan waits for a clinician's check" in main_text(response.content)
    assert _post(client, url, fields, action="publish").status_code == 302
    assert Plan.objects.get(runner=runner).status == PlanStatus.NEEDS_CLINICIAN


@pytest.mark.parametrize("weeks", [4, 26])
def test_the_editor_pages_run_a_fixed_number_of_queries(
    client: Client,
    runner: User,
    physio: User,
    intake_data: dict[str, Any],
    weeks: int,
    django_assert_max_num_queries: Any,
) -> None:
    plan = create_plan(runner, intake_data, weeks=weeks)
    for i in range(3):
        template_create(owner=physio, name=f"Template {i}", pathway="overuse_ache", weeks=6, program={})
    client.force_login(physio)
    query = {"source": "intake", "start": START.isoformat(), "weeks": str(weeks)}
    with at(START):  # each page records one entry in the runner's access log
        with django_assert_max_num_queries(10):
            assert client.get(reverse("programs:program-assign", args=[runner.pk]), query).status_code == 200
        with django_assert_max_num_queries(8):
            assert client.get(reverse("programs:program-edit", args=[runner.pk, plan.pk])).status_code == 200


def test_choices_the_services_refuse_come_back_to_step_one_in_plain_words(
    client: Client, runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    client.force_login(physio)
    url = reverse("programs:program-assign", args=[runner.pk])
    query = {"source": "intake", "start": START.isoformat(), "weeks": "4"}
    with at(START):
        no_answers = client.get(url, query)
    assert no_answers.status_code == 400
    assert "This runner has not answered the questions for a plan yet." in main_text(no_answers.content)

    intake_data["symptoms"]["location"] = "sit_bone"
    record_intake(runner, intake_data)
    with at(START):
        other_program = client.get(url, {**query, "source": "pathway:prevention"})
    assert other_program.status_code == 400
    assert "its early stage leaves out exercises that are not safe yet" in main_text(other_program.content)

    theirs = template_create(owner=other_physio, name="Theirs", pathway="prevention", weeks=4, program={})
    with at(START):
        not_mine = client.get(url, {**query, "source": f"template:{theirs.pk}"})
    assert not_mine.status_code == 400 and "Theirs" not in main_text(not_mine.content)
    assert not Plan.objects.filter(runner=runner).exists()


def test_the_editor_lists_what_is_paused_now_and_why(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _active_plan(runner, physio, intake_data)
    url = reverse("programs:program-edit", args=[runner.pk, plan.pk])
    client.force_login(physio)
    with at(START):
        assert "Nothing is paused" in main_text(client.get(url).content)

    session = plan.sessions.filter(kind="strength").order_by("date").first()
    assert session is not None
    entries = [
        {"prescription": p.pk, "pain_during": 9, "pain_after": 9, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    with at(session.date, hour=18):
        session_log_record(session=session, runner=runner, entries=entries)
    with at(session.date + dt.timedelta(days=1)):
        text = main_text(client.get(url).content)

    paused = text[text.index("Paused now") : text.index("A pause lasts until")]
    assert any(NAMES[p.exercise.slug] in paused for p in session.prescriptions.select_related("exercise"))
    next_day = session.date + dt.timedelta(days=1)
    assert f"since {next_day:%a} {next_day.day} {next_day:%b}" in paused  # from the session after the painful one
    assert f"pain 9/10 on {session.date:%a} {session.date.day} {session.date:%b}" in paused
    assert "far above their limit" in paused and "your limit" not in paused  # why, in the physio's reading
