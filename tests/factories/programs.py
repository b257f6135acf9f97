"""Factories for programs. A plan is made the way the product makes one (an intake validated by IntakeSerializer,
then `plan_create`), so its weeks, sessions and prescriptions are real; the factories of the rows inside a plan add
to such a plan without breaking its constraints."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import factory
from django.db.models import Max

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanChangeKind, ReminderKind
from programs.clinical.pathway_files import pathway_source
from programs.models import (
    DayLog,
    ExerciseLog,
    Intake,
    PathwayVersion,
    Plan,
    PlanChange,
    PlannedSession,
    PlanStateChange,
    PlanWeek,
    Prescription,
    ProgramTemplate,
    Reminder,
    SessionLog,
    StageCheck,
)
from programs.selectors.versions import pathway_of
from programs.services.plans import plan_create
from tests.factories.accounts import PhysioFactory, RunnerFactory
from tests.factories.exercises import ExerciseFactory
from tests.programs.plans import START

DEMO_INTAKE = Path(__file__).resolve().parents[2] / "programs" / "data" / "demo_intake.json"


@functools.cache
def _demo_intake() -> dict[str, Any]:
    serializer = IntakeSerializer(data=json.loads(DEMO_INTAKE.read_text()), context={"start": START})
    assert serializer.is_valid(), serializer.errors
    return dict(serializer.data)


def demo_intake_data() -> dict[str, Any]:
    """The demo intake as IntakeSerializer leaves it (what `intake_record` stores), a fresh copy each call."""
    return copy.deepcopy(_demo_intake())


class IntakeFactory(factory.django.DjangoModelFactory[Intake]):
    """The runner's next intake version; the demo intake unless `data` is given (validate it with IntakeSerializer)."""

    class Meta:
        model = Intake

    runner = factory.SubFactory(RunnerFactory)
    version = factory.LazyAttribute(
        lambda o: (Intake.objects.for_runner(o.runner).aggregate(v=Max("version"))["v"] or 0) + 1
    )
    data = factory.LazyFunction(demo_intake_data)


class PlanFactory(factory.django.DjangoModelFactory[Plan]):
    """A plan generated and stored by `programs.services.plans.plan_create`, like `tests.programs.plans.create_plan`.

    Takes the service's arguments (intake, start, weeks, and optionally pathway, pain_limits, edits); `runner` makes
    the intake for that runner. Any other field is refused: the rules, not the test, decide a new plan's rows."""

    class Meta:
        model = Plan

    runner = factory.SubFactory(RunnerFactory)
    intake = factory.SubFactory(IntakeFactory, runner=factory.SelfAttribute("..runner"))
    start = START
    weeks = 6

    @classmethod
    def _create(cls, model_class: type[Plan], *args: Any, **kwargs: Any) -> Plan:
        runner: User = kwargs.pop("runner")
        intake: Intake = kwargs.pop("intake")
        if intake.runner_id != runner.pk:
            raise ValueError("PlanFactory: the intake belongs to another runner.")
        service_args = {k: kwargs.pop(k) for k in ("pathway", "pain_limits", "edits") if k in kwargs}
        start, weeks = kwargs.pop("start"), kwargs.pop("weeks")
        if kwargs or args:
            raise TypeError(f"PlanFactory: plan_create does not take {sorted(kwargs)}")
        return plan_create(intake=intake, start=start, weeks=weeks, **service_args)


def _next_week_number(plan: Plan) -> int:
    return (PlanWeek.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1


class PlanWeekFactory(factory.django.DjangoModelFactory[PlanWeek]):
    """A week after the plan's last (a generated plan already has all of its own)."""

    class Meta:
        model = PlanWeek

    plan = factory.SubFactory(PlanFactory)
    number = factory.LazyAttribute(lambda o: _next_week_number(o.plan))
    phase = "return_to_running"
    target_distance = 10
    unit = "km"
    max_runs = 3
    rest_days = 2
    speed_work_allowed = False


def free_day(plan: Plan, kind: str) -> dt.date:
    """The plan's first day without a session of this kind (after its last week if every day has one)."""
    taken = set(PlannedSession.objects.filter(plan=plan, kind=kind).values_list("date", flat=True))
    day = plan.start
    while day in taken:
        day += dt.timedelta(days=1)
    return day


class PlannedSessionFactory(factory.django.DjangoModelFactory[PlannedSession]):
    """A session on the plan's first day that has none of this kind (one session of a kind per plan and day)."""

    class Meta:
        model = PlannedSession

    plan = factory.SubFactory(PlanFactory)
    kind = "mobility"
    date = factory.LazyAttribute(lambda o: free_day(o.plan, o.kind))
    week_number = factory.LazyAttribute(lambda o: (o.date - o.plan.start).days // 7 + 1)
    position = factory.LazyAttribute(lambda o: PlannedSession.objects.filter(plan=o.plan, date=o.date).count())


class PrescriptionFactory(factory.django.DjangoModelFactory[Prescription]):
    """An exercise prescribed in a session (its plan is the session's, as the services keep it)."""

    class Meta:
        model = Prescription

    session = factory.SubFactory(PlannedSessionFactory, kind="strength")
    plan = factory.SelfAttribute("session.plan")
    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.LazyAttribute(lambda o: Prescription.objects.filter(session=o.session).count())
    dose = factory.LazyFunction(lambda: {"sets": 2, "reps": 5})
    pain_limit = 2
    reason = "Prescribed for a test."
    slot = factory.LazyAttribute(lambda o: o.exercise.slug)


class SessionLogFactory(factory.django.DjangoModelFactory[SessionLog]):
    """A session as logged by the plan's runner, without exercise logs (the rules do not run on it)."""

    class Meta:
        model = SessionLog

    session = factory.SubFactory(PlannedSessionFactory)
    runner = factory.SelfAttribute("session.plan.runner")


class ExerciseLogFactory(factory.django.DjangoModelFactory[ExerciseLog]):
    class Meta:
        model = ExerciseLog

    session_log = factory.SubFactory(SessionLogFactory)
    prescription = factory.SubFactory(PrescriptionFactory, session=factory.SelfAttribute("..session_log.session"))
    sets_done = 2
    reps_done = factory.LazyFunction(lambda: [5, 5])
    pain_during = 2
    pain_after = 1
    rpe = 5
    completed_as_prescribed = True


class DayLogFactory(factory.django.DjangoModelFactory[DayLog]):
    """A morning check; each one made without a date is a day later than the one before."""

    class Meta:
        model = DayLog

    runner = factory.SubFactory(RunnerFactory)
    date = factory.Sequence(lambda n: START + dt.timedelta(days=n))
    next_morning_pain = 1


def _first_checklist(plan: Plan) -> tuple[str, dict[str, bool]]:
    """The first phase of the plan's pathway that ends on a checklist, with every question answered no."""
    assert plan.pathway_version is not None, "a plan made by plan_create is pinned to its pathway version"
    phase = next((p for p in pathway_of(plan.pathway_version).phases if p.exit_criteria), None)
    if phase is None:
        raise ValueError(
            f"StageCheckFactory: the {plan.pathway} pathway has no exit checklist; pass phase and answers."
        )
    return phase.slug, dict.fromkeys(phase.exit_criteria, False)


class StageCheckFactory(factory.django.DjangoModelFactory[StageCheck]):
    """The plan's runner's answers (all no) to the first exit checklist of the plan's pathway (an acute-strain plan
    unless `plan` is given)."""

    class Meta:
        model = StageCheck

    plan = factory.SubFactory(PlanFactory, pathway="acute_strain")  # its stages end on checklists
    # Each read on its own, so passing both phase and answers works for a plan whose pathway has no checklist.
    phase = factory.LazyAttribute(lambda o: _first_checklist(o.plan)[0])
    answers = factory.LazyAttribute(lambda o: _first_checklist(o.plan)[1])
    answered_by = factory.SelfAttribute("plan.runner")


class ProgramTemplateFactory(factory.django.DjangoModelFactory[ProgramTemplate]):
    class Meta:
        model = ProgramTemplate

    owner = factory.SubFactory(PhysioFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    pathway = "acute_strain"
    weeks = 6
    program = factory.LazyFunction(dict)


def _pathway_checksum(data: Any) -> str:
    # As programs.services.generation records a version, so the plans made next find this row.
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class PathwayVersionFactory(factory.django.DjangoModelFactory[PathwayVersion]):
    """The shipped template of `slug` as a version: the one already recorded with its content, else the next number."""

    class Meta:
        model = PathwayVersion
        django_get_or_create = ("slug", "checksum")

    slug = "acute_strain"
    data = factory.LazyAttribute(lambda o: copy.deepcopy(dict(pathway_source(o.slug))))
    checksum = factory.LazyAttribute(lambda o: _pathway_checksum(o.data))
    number = factory.LazyAttribute(
        lambda o: (PathwayVersion.objects.filter(slug=o.slug).aggregate(n=Max("number"))["n"] or 0) + 1
    )


class PlanStateChangeFactory(factory.django.DjangoModelFactory[PlanStateChange]):
    """An evaluation of the rules that left the plan's state as it was."""

    class Meta:
        model = PlanStateChange

    plan = factory.SubFactory(PlanFactory)
    as_of = factory.SelfAttribute("plan.start")
    before = factory.LazyAttribute(lambda o: copy.deepcopy(o.plan.state))
    after = factory.LazyAttribute(lambda o: copy.deepcopy(o.plan.state))


class PlanChangeFactory(factory.django.DjangoModelFactory[PlanChange]):
    class Meta:
        model = PlanChange

    plan = factory.SubFactory(PlanFactory)
    kind = PlanChangeKind.HOLD
    reason = factory.Sequence(lambda n: f"Held for a test ({n}).")


class ReminderFactory(factory.django.DjangoModelFactory[Reminder]):
    """A pending session reminder due at 07:30 UTC on its local date (each one made without a date: a day later)."""

    class Meta:
        model = Reminder

    user = factory.SubFactory(RunnerFactory)
    kind = ReminderKind.SESSION
    local_date = factory.Sequence(lambda n: dt.date(2026, 12, 1) + dt.timedelta(days=n))
    due_at = factory.LazyAttribute(lambda o: dt.datetime.combine(o.local_date, dt.time(7, 30), tzinfo=dt.UTC))
