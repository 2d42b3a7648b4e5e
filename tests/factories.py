"""factory_boy factories. Regions are the real Shanghai tree (loaded once per test session), never invented."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import Organisation, OrganisationKind, Region, User

TEST_PASSWORD = "Xyz#12345pq"  # satisfies the password policy


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("region", "name")

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganisationKind.COMPETENT_DEPT
    region = factory.LazyFunction(lambda: Region.objects.get(code="310000000000"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.SelfAttribute("organisation.region")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=str(getattr(r, "value", r)))[0] for r in extracted])
