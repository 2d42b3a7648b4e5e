"""Fixtures shared by every test module: the real Shanghai tree and users placed on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from accounts.models import Region
from accounts.services import regions_load, roles_ensure

from .factories import OrganisationFactory, UserFactory

#: Positions on the real tree used across the tests.
CODES = {
    "city": "310000000000",
    "pudong": "310115000000",  # district
    "huangpu": "310101000000",  # sibling district
    "dongming": "310115015000",  # street in Pudong
    "huamu": "310115016000",  # sibling street in Pudong
    "nanjingdonglu": "310101002000",  # street in Huangpu (cousin)
    "sanlinyuan": "310115015001",  # village in Dongming
    "cuizhuyuan": "310115015002",  # sibling village in Dongming
}


def ensure_reference_data() -> None:
    """Load the divisions and roles when a (transactional) test flushed them."""
    if not Region.objects.filter(code=CODES["city"]).exists():
        regions_load(csv_path=settings.DIVISIONS_CSV)
    roles_ensure()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the 6,760 regions once per test session (transactions roll back above them)."""
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def regions(db) -> dict[str, Region]:  # type: ignore[no-untyped-def]
    ensure_reference_data()
    return {name: Region.objects.get(code=code) for name, code in CODES.items()}


@pytest.fixture
def make_user(regions) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """``make_user("dongming", roles=["account_admin"])`` → a user in an organisation of that region."""

    def factory(where: str = "city", **kwargs):  # type: ignore[no-untyped-def]
        region = regions[where] if where in regions else Region.objects.get(code=where)
        organisation = kwargs.pop("organisation", None) or OrganisationFactory(region=region)
        return UserFactory(organisation=organisation, region=region, **kwargs)

    return factory


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar():  # type: ignore[no-untyped-def]
    """A rolled-back test may have cached override rows that no longer exist: every test starts from the table."""
    from shequyun.workdays import invalidate_overrides

    invalidate_overrides()
    yield
    invalidate_overrides()
