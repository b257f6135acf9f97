"""Every factory makes a row its model accepts: field validation (`full_clean`) and the database's constraints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import models

from accounts.models import ApiToken, CareLinkStatus, User, api_token_digest
from exercises.models import CatalogueVersion, Exercise
from programs.choices import PlanStatus
from programs.models import Plan, PlanWeek
from tests.factories import accounts, exercises, programs

pytestmark = pytest.mark.django_db

FACTORIES: list[Callable[..., Any]] = [
    accounts.UserFactory,
    accounts.RunnerFactory,
    accounts.PhysioFactory,
    accounts.RunnerProfileFactory,
    accounts.CareLinkFactory,
    accounts.InvitationFactory,
    accounts.MessageFactory,
    accounts.ApiTokenFactory,
    accounts.PushSubscriptionFactory,
    accounts.DataAccessFactory,
    exercises.EquipmentFactory,
    exercises.ExerciseFactory,
    exercises.CatalogueVersionFactory,
    programs.IntakeFactory,
    programs.PlanFactory,
    programs.PlanWeekFactory,
    programs.PlannedSessionFactory,
    programs.PrescriptionFactory,
    programs.SessionLogFactory,
    programs.ExerciseLogFactory,
    programs.DayLogFactory,
    programs.StageCheckFactory,
    programs.ProgramTemplateFactory,
    programs.PathwayVersionFactory,
    programs.PlanStateChangeFactory,
    programs.PlanChangeFactory,
    programs.ReminderFactory,
]


def _name(factory: Callable[..., Any]) -> str:
    return getattr(factory, "__name__", str(factory))


@pytest.mark.parametrize("factory", FACTORIES, ids=_name)
def test_the_factory_makes_a_valid_stored_row(factory: Callable[..., Any]) -> None:
    row = factory()
    assert isinstance(row, models.Model) and row.pk is not None
    row.full_clean()  # every field, unique and check constraint Django can validate
    stored = type(row)._default_manager.get(pk=row.pk)
    stored.full_clean()


@pytest.mark.parametrize("factory", FACTORIES, ids=_name)
def test_two_rows_from_one_factory_do_not_collide(factory: Callable[..., Any]) -> None:
    first, second = factory(), factory()
    second.full_clean()
    assert first.pk is not None and second.pk is not None


def test_every_model_of_the_three_apps_has_a_factory() -> None:
    from django.apps import apps

    made = {f._meta.model for f in FACTORIES}  # type: ignore[attr-defined]
    for label in ("accounts", "exercises", "programs"):
        missing = {m.__name__ for m in apps.get_app_config(label).get_models()} - {m.__name__ for m in made}
        assert not missing, f"{label} models without a factory: {sorted(missing)}"


def test_a_runner_has_a_profile_and_a_physio_none() -> None:
    runner, physio = accounts.RunnerFactory(), accounts.PhysioFactory()
    assert runner.is_runner and runner.runner_profile.pk
    assert physio.is_physio and not hasattr(User.objects.get(pk=physio.pk), "runner_profile")
    assert runner.check_password(accounts.PASSWORD)


def test_an_invited_care_link_needs_no_consent_time() -> None:
    link = accounts.CareLinkFactory(status=CareLinkStatus.INVITED, consented_at=None)
    link.full_clean()


def test_an_api_token_stores_the_digest_of_the_key_it_was_given() -> None:
    token = accounts.ApiTokenFactory(key="k" * 43)
    assert (token.digest, token.prefix) == (api_token_digest("k" * 43), "kkkkkkkk")
    assert ApiToken.objects.authenticate("k" * 43) == token


def test_the_catalogue_factories_return_the_loaded_rows() -> None:
    assert exercises.ExerciseFactory().pk == Exercise.objects.get(slug="glute_bridge").pk
    assert exercises.ExerciseFactory(slug="hamstring_test_curl").is_active
    latest = CatalogueVersion.objects.latest_loaded()
    assert exercises.CatalogueVersionFactory() == latest


def test_a_plan_is_made_by_the_service_with_its_weeks_and_sessions() -> None:
    plan = programs.PlanFactory(weeks=2)
    assert plan.status == PlanStatus.ACTIVE and plan.pathway_version and plan.catalogue_version
    assert list(PlanWeek.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]
    assert plan.sessions.exists() and plan.prescriptions.exists()
    assert plan.intake.runner == plan.runner and plan.intake.version == 1


def test_a_plan_factory_refuses_fields_the_rules_decide() -> None:
    with pytest.raises(TypeError, match="status"):
        programs.PlanFactory(status=PlanStatus.ENDED)
    assert not Plan.objects.exists()


def test_rows_inside_a_plan_share_it() -> None:
    plan = programs.PlanFactory(weeks=1, pathway="acute_strain")
    exercise_log = programs.ExerciseLogFactory(session_log__session__plan=plan)
    prescription = exercise_log.prescription
    assert prescription.plan == prescription.session.plan == exercise_log.session_log.session.plan == plan
    assert exercise_log.session_log.runner == plan.runner
    assert programs.StageCheckFactory(plan=plan).phase in {p["slug"] for p in plan.pathway_version.data["phases"]}
