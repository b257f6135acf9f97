"""Factories for accounts: users (a runner has a profile), care links, invitations, messages, API tokens and push
subscriptions, and the runner's access log."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from accounts.models import (
    AccessActor,
    AccessedData,
    AccessKind,
    ApiToken,
    CareLink,
    CareLinkStatus,
    DataAccess,
    Invitation,
    Message,
    PushSubscription,
    Role,
    RunnerProfile,
    User,
    api_token_digest,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = Role.RUNNER
    # Verified, as every account that has used its sign-in or invitation links is; tests of verification clear it.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class RunnerFactory(UserFactory):
    """A runner with their profile, as `accounts.services.user_create` makes one."""

    role = Role.RUNNER
    profile = factory.RelatedFactory("tests.factories.accounts.RunnerProfileFactory", factory_related_name="user")


class PhysioFactory(UserFactory):
    role = Role.PHYSIO


class RunnerProfileFactory(factory.django.DjangoModelFactory[RunnerProfile]):
    class Meta:
        model = RunnerProfile

    user = factory.SubFactory(UserFactory, role=Role.RUNNER)
    timezone = "Europe/London"


class CareLinkFactory(factory.django.DjangoModelFactory[CareLink]):
    """An active link (consent recorded); pass status=INVITED and consented_at=None for an open invitation."""

    class Meta:
        model = CareLink

    physio = factory.SubFactory(PhysioFactory)
    runner = factory.SubFactory(RunnerFactory)
    status = CareLinkStatus.ACTIVE
    consented_at = factory.Faker("date_time", tzinfo=dt.UTC)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    physio = factory.SubFactory(PhysioFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.test")


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    """A message in the thread of `physio` and `runner`, written by the physio unless `author` says otherwise."""

    class Meta:
        model = Message

    physio = factory.SubFactory(PhysioFactory)
    runner = factory.SubFactory(RunnerFactory)
    author = factory.SelfAttribute("physio")
    body = factory.Sequence(lambda n: f"message {n}")


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    """A token as `accounts.services.api_token_create` stores it: the digest of `key` (pass one to use it)."""

    class Meta:
        model = ApiToken

    class Params:
        key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    user = factory.SubFactory(RunnerFactory)
    name = factory.Sequence(lambda n: f"device {n}")
    digest = factory.LazyAttribute(lambda o: api_token_digest(o.key))
    prefix = factory.LazyAttribute(lambda o: o.key[:8])


class PushSubscriptionFactory(factory.django.DjangoModelFactory[PushSubscription]):
    """A browser's subscription. The keys are placeholders: pass a browser's real ones to push to it."""

    class Meta:
        model = PushSubscription

    user = factory.SubFactory(RunnerFactory)
    endpoint = factory.Sequence(lambda n: f"https://push.example.test/push/{n}")
    p256dh = factory.LazyFunction(lambda: secrets.token_urlsafe(65))
    auth = factory.LazyFunction(lambda: secrets.token_urlsafe(16))


class DataAccessFactory(factory.django.DjangoModelFactory[DataAccess]):
    """A physio's read of a runner's plan, as `accounts.access_log.record_access` writes it."""

    class Meta:
        model = DataAccess

    runner = factory.SubFactory(RunnerFactory)
    actor = factory.SubFactory(PhysioFactory)
    actor_name = factory.LazyAttribute(lambda o: o.actor.get_full_name() or o.actor.email)
    actor_kind = AccessActor.PHYSIO
    kind = AccessKind.READ
    what = AccessedData.PLAN
    at = factory.LazyFunction(timezone.now)
