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
        from accounts.selectors import region_directory

        region_directory()  # loaded here, not in the first request a test counts the queries of
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
def _fresh_reference_copies(request, django_db_blocker):  # type: ignore[no-untyped-def]
    """Per-process copies of reference tables (``shequyun/refcache.py``) against rolled-back tests.

    The working-day overrides are re-read by every test. The region directory is loaded before a database test
    starts (so that no test counts the query that loads it) and dropped after a test that changed a region, whose
    changes were rolled back."""
    from accounts import selectors
    from shequyun.workdays import invalidate_overrides

    invalidate_overrides()
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "regions"} & set(request.fixturenames))
    if uses_db:
        request.getfixturevalue("django_db_setup")  # the test database, not the configured one
        with django_db_blocker.unblock():
            selectors.region_directory()
    before = selectors._directory.invalidations
    yield
    invalidate_overrides()
    if selectors._directory.invalidations != before:
        selectors.region_directory_changed()
