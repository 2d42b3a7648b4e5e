"""Who may do what, decided by the hierarchy and the user's roles. The only module that asks django-guardian.

The scoping rule (what a user may *see*) is ``visible_to`` in shequyun/scoping.py; this module answers the next
question (what a user may *do* to something they can see). Each rule is one function with one condition per
line so that coverage shows every branch. Business apps import these functions; they never test roles or
organisation kinds themselves.
"""

from __future__ import annotations

from typing import Any

from .models import LEVEL_DEPTH, OrganisationKind, Region, RegionLevel
from .roles import Role


def has_role(user: Any, role: Role) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return role.value in user.role_slugs


def in_scope(user: Any, region: Region) -> bool:
    """The scoping rule for one region already in memory (same rule as ``visible_to``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.region is not None and region.path.startswith(user.region.path)


def level_of(region: Region) -> int:
    return LEVEL_DEPTH[RegionLevel(region.level)]


def works_for(user: Any, kind: OrganisationKind) -> bool:
    """The user's organisation is of this kind."""
    return user.organisation is not None and user.organisation.kind == kind


def is_city_operations_office(user: Any) -> bool:
    """市社区服务中心: an operations office at city level (or the bootstrap superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.region is not None and user.region.level == RegionLevel.CITY and works_for(
        user, OrganisationKind.OPERATIONS_OFFICE
    )


def superior_competent_region(region: Region) -> Region:
    """Where an application from ``region`` is approved (DESIGN §5, 000 Art. 11): district → city,
    street → district, village → (through its street) district; a city-level scenario by the city itself."""
    level = RegionLevel(region.level)
    if level == RegionLevel.CITY:
        return region
    if level == RegionLevel.VILLAGE:
        return region.parent.parent  # villages apply through their street to the district
    return region.parent
