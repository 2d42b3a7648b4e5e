"""The generic scope contract (tests/scope.py) for every accounts viewset and every page about one account or region.

The viewer works at 东明路街道 (浦东新区); the outside objects belong to 控江路街道 (杨浦区, ``OUTSIDE``).
"""

from __future__ import annotations

from accounts.models import Organisation, Region, User
from accounts.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures import CODES
from tests.scope import OUTSIDE, ScopeContract

#: A well-formed official code no region has (the region routes accept only 12 digits).
MISSING_CODE = "319999999999"


def _user_at(code: str) -> User:
    region = Region.objects.get(code=code)
    return UserFactory(organisation=OrganisationFactory(region=region), region=region)


def _street_admin(make_user):  # type: ignore[no-untyped-def]
    return make_user("dongming", roles=[Role.ACCOUNT_ADMIN])


# --- API ------------------------------------------------------------------------------------------------------------

class TestUserApiScope(ScopeContract):
    basename = "user"
    model = User

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _street_admin(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return _user_at(CODES["sanlinyuan"])

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return make_user(OUTSIDE)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # sees the account, may not manage it
        return staff, "post", f"/api/v1/accounts/users/{inside.pk}/disable/", {"reason": "离职"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/accounts/users/", {"username": "kongjiang_new", "full_name": "杨浦的人",
                                                   "region": OUTSIDE, "roles": ["staff"]}


class TestOrganisationApiScope(ScopeContract):
    basename = "organisation"
    model = Organisation

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF])

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return OrganisationFactory(region=Region.objects.get(code=CODES["sanlinyuan"]), name="三林苑居委会")

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return OrganisationFactory(region=Region.objects.get(code=OUTSIDE), name="控江路街道办事处")


class TestRegionApiScope(ScopeContract):
    """Regions are addressed by official code: the contract fills the URL with ``code``."""

    basename = "region"
    model = Region
    lookup_attr = "code"
    missing_value = MISSING_CODE
    list_key = "code"

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF])

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return Region.objects.get(code=CODES["sanlinyuan"])

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return Region.objects.get(code=OUTSIDE)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # reads the village, may not set its population
        return staff, "patch", f"/api/v1/regions/{inside.code}/", {"households": 10, "population": 30}


# --- pages ----------------------------------------------------------------------------------------------------------

class TestAccountPagesScope(TestUserApiScope):
    basename = ""
    pages = {"accounts:manage_detail": {}, "accounts:manage_action": {"action": "disable"}}
    list_page = "accounts:manage"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # sees the account, may not change it
        return staff, "post", f"/accounts/manage/{inside.pk}/", {"full_name": "改名"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return None  # the page re-renders its form (200) with the error: checked below

    def test_create_page_refuses_an_outside_region(self, client, scope):  # type: ignore[no-untyped-def]
        client.force_login(scope["viewer"])
        before = User.objects.count()
        response = client.post("/accounts/manage/new/", {"username": "kongjiang_new", "full_name": "杨浦的人",
                                                         "region": OUTSIDE, "roles": ["staff"]})
        assert response.status_code == 200
        assert "region" in response.context["form"].errors
        assert User.objects.count() == before


class TestRegionPageScope(TestRegionApiScope):
    basename = ""
    pages = {"accounts:region": {}}
    pk_kwarg = "code"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])
        return staff, "post", f"/accounts/regions/{inside.code}/", {"households": 10, "population": 30}
