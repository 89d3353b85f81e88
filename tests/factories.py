from __future__ import annotations

import factory
from django.utils import timezone

from apps.accounts.models import Profile, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = "member"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    timezone = "UTC"
    tracking_start = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=400))
