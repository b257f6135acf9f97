from __future__ import annotations

import factory

from accounts.models import CareLink, CareLinkStatus, Role, RunnerProfile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = Role.RUNNER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class RunnerFactory(UserFactory):
    role = Role.RUNNER
    profile = factory.RelatedFactory("tests.factories.RunnerProfileFactory", factory_related_name="user")


class PhysioFactory(UserFactory):
    role = Role.PHYSIO


class RunnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunnerProfile

    timezone = "Europe/London"


class CareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareLink

    physio = factory.SubFactory(PhysioFactory)
    runner = factory.SubFactory(RunnerFactory)
    status = CareLinkStatus.ACTIVE
    consented_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)
