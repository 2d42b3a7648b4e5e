"""Who may do what in the data-assets module. One rule, three forms, side by side:

* the predicate ``may_x(user, obj) -> bool`` (buttons, services through the workflow table);
* its queryset form ``x_queryset(user)`` (queues, counts);
* its recipients ``x_recipients(obj)`` (who is notified that something waits on them).

``tests/dataassets/test_permissions.py`` checks that the three agree for users across the four levels.

The **data office** of a level (数据主管部门 / 大数据中心) is a reviewer who is also a data steward at the city
or at a district. The city data office reviews the city catalogue (全市目录); a district data office reviews its
district's supplementary catalogue (区补充目录, 003 Art. 17) — resources of the district, its streets and villages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Region, RegionLevel, User
from accounts.permissions import has_role
from accounts.roles import Role
from shequyun.grants import has_grant
from shequyun.scoping import in_scope

from .models import (
    Catalogue,
    Objection,
    ObjectionStatus,
    QualityIssue,
    QualityStatus,
    Resource,
    ResourceStatus,
    SharingRequest,
    SharingStatus,
    SharingType,
)

ACCESS_PERM = "dataassets.access_resource"
VIEW_OBJECTION = "dataassets.view_objection"
VIEW_SHARING = "dataassets.view_sharingrequest"
OFFICE_LEVELS = (RegionLevel.CITY, RegionLevel.DISTRICT)


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- the data office ----------------------------------------------------------------------------------------------

def reviewing_region(resource: Resource) -> Region:
    """The level whose data office reviews the resource: the city for the city catalogue, otherwise the
    resource's district."""
    codes = resource.region.ancestor_codes
    code = codes[0] if resource.catalogue == Catalogue.CITY or len(codes) < 2 else codes[1]
    if code == resource.region.code:
        return resource.region
    return Region.objects.get(code=code)


def is_data_office(user: Any, region: Region) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (
        user.region_id == region.pk
        and region.level in OFFICE_LEVELS
        and has_role(user, Role.DATA_STEWARD)
        and has_role(user, Role.REVIEWER)
    )


def data_office_members(region: Region) -> QuerySet[User]:
    if region.level not in OFFICE_LEVELS:
        return User.objects.none()
    return (User.objects.filter(region=region, is_active=True, groups__name=Role.DATA_STEWARD.value)
            .filter(groups__name=Role.REVIEWER.value).distinct())


def _office_catalogue_q(user: Any, prefix: str = "") -> Q:
    """Resources whose reviewing region is the user's region (the queryset form of ``is_data_office``)."""
    if user.is_superuser:
        return Q()
    region = user.region
    if region is None or not (has_role(user, Role.DATA_STEWARD) and has_role(user, Role.REVIEWER)):
        return Q(pk__in=[])
    if region.level == RegionLevel.CITY:
        return Q(**{f"{prefix}catalogue": Catalogue.CITY})
    if region.level == RegionLevel.DISTRICT:
        return Q(**{f"{prefix}catalogue": Catalogue.DISTRICT, f"{prefix}region__path__startswith": region.path})
    return Q(pk__in=[])


# --- resources ----------------------------------------------------------------------------------------------------

def may_register(user: Any) -> bool:
    """A data steward registers resources for their own unit (the provider)."""
    if not _active(user):
        return False
    return user.organisation_id is not None and (user.is_superuser or has_role(user, Role.DATA_STEWARD))


def may_edit_resource(user: Any, resource: Resource) -> bool:
    """The provider's data stewards keep its entries (drafts, revisions, items, updates)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.DATA_STEWARD) and user.organisation_id == resource.provider_id


def may_review_resource(user: Any, resource: Resource) -> bool:
    """The data office of the catalogue's level; never the person who submitted it (four eyes)."""
    if not _active(user) or (resource.submitted_by_id is not None and resource.submitted_by_id == user.pk):
        return False
    return is_data_office(user, reviewing_region(resource))


def resource_review_queryset(user: Any) -> QuerySet[Resource]:
    if not _active(user):
        return Resource.objects.none()
    return (Resource.objects.visible_to(user).filter(_office_catalogue_q(user), status=ResourceStatus.SUBMITTED)
            .exclude(submitted_by=user))


def resource_review_recipients(resource: Resource) -> QuerySet[User]:
    members = data_office_members(reviewing_region(resource))
    return members.exclude(pk=resource.submitted_by_id) if resource.submitted_by_id else members


def provider_stewards(resource_or_org: Any) -> QuerySet[User]:
    org_id = getattr(resource_or_org, "provider_id", None) or resource_or_org.pk
    return User.objects.filter(organisation_id=org_id, is_active=True, groups__name=Role.DATA_STEWARD.value)


def may_view_items(user: Any, resource: Resource) -> bool:
    """The information items: the provider's subtree, everyone for unconditional sharing, grant holders for
    authorised sharing (the explicit object grant made when a sharing request is approved)."""
    if not _active(user):
        return False
    if in_scope(user, resource.region):
        return True
    if resource.sharing_type == SharingType.UNCONDITIONAL and resource.status == ResourceStatus.PUBLISHED:
        return True
    return has_grant(user, ACCESS_PERM, resource)


# --- sharing requests ---------------------------------------------------------------------------------------------

def may_request_sharing(user: Any, resource: Resource) -> bool:
    """Another unit asks for a published authorised-sharing resource."""
    if not _active(user) or user.organisation_id is None:
        return False
    return (resource.status == ResourceStatus.PUBLISHED and resource.sharing_type == SharingType.AUTHORISED
            and user.organisation_id != resource.provider_id and not resource.is_revision)


def may_review_sharing(user: Any, request: SharingRequest) -> bool:
    if not _active(user) or request.requester_id == user.pk:
        return False
    return is_data_office(user, reviewing_region(request.resource))


def sharing_review_queryset(user: Any) -> QuerySet[SharingRequest]:
    if not _active(user):
        return SharingRequest.objects.none()
    return (SharingRequest.objects.visible_to(user).filter(_office_catalogue_q(user, "resource__"),
                                                           status=SharingStatus.SUBMITTED).exclude(requester=user))


def sharing_review_recipients(request: SharingRequest) -> QuerySet[User]:
    return data_office_members(reviewing_region(request.resource)).exclude(pk=request.requester_id)


def system_only(user: Any, obj: Any) -> bool:
    """Transitions the periodic tasks make (grant expiry): no person may trigger them."""
    return user is None


# --- objections ---------------------------------------------------------------------------------------------------

def may_file_objection(user: Any, resource: Resource) -> bool:
    """A unit — or a resident through its staff — objects to data in the catalogue."""
    if not _active(user) or user.organisation_id is None:
        return False
    return resource.status == ResourceStatus.PUBLISHED and not resource.is_revision


def may_handle_objection(user: Any, objection: Objection) -> bool:
    """Marking, deciding and transferring: the data office of the resource's catalogue level."""
    return is_data_office(user, reviewing_region(objection.resource))


def may_department_decide(user: Any, objection: Objection) -> bool:
    """The responsible department the objection was transferred to: its data stewards."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (objection.responsible_org_id is not None and user.organisation_id == objection.responsible_org_id
            and has_role(user, Role.DATA_STEWARD))


def objection_queue_queryset(user: Any) -> QuerySet[Objection]:
    """Objections waiting on the user: the data office's (to mark, decide or transfer) and the responsible
    department's (to decide)."""
    if not _active(user):
        return Objection.objects.none()
    office = _office_catalogue_q(user, "resource__") & Q(status__in=[ObjectionStatus.RECEIVED,
                                                                      ObjectionStatus.MARKED])
    department = Q(pk__in=[])
    if user.is_superuser:
        department = Q(status=ObjectionStatus.TRANSFERRED)
    elif has_role(user, Role.DATA_STEWARD) and user.organisation_id is not None:
        department = Q(status=ObjectionStatus.TRANSFERRED, responsible_org_id=user.organisation_id)
    return Objection.objects.visible_to(user).filter(office | department)


def objection_recipients(objection: Objection) -> QuerySet[User]:
    """Whoever acts next on the objection."""
    if objection.status == ObjectionStatus.TRANSFERRED:
        return User.objects.filter(organisation_id=objection.responsible_org_id, is_active=True,
                                   groups__name=Role.DATA_STEWARD.value)
    if objection.status in (ObjectionStatus.RECEIVED, ObjectionStatus.MARKED):
        return data_office_members(reviewing_region(objection.resource))
    return User.objects.filter(pk=objection.filed_by_id, is_active=True)


# --- quality ------------------------------------------------------------------------------------------------------

def may_resolve_quality(user: Any, issue: QualityIssue) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.DATA_STEWARD) and user.organisation_id == issue.provider_id


def quality_queue_queryset(user: Any) -> QuerySet[QualityIssue]:
    if not _active(user):
        return QualityIssue.objects.none()
    queryset = QualityIssue.objects.visible_to(user).filter(status=QualityStatus.OPEN)
    if user.is_superuser:
        return queryset
    if not has_role(user, Role.DATA_STEWARD) or user.organisation_id is None:
        return queryset.none()
    return queryset.filter(provider_id=user.organisation_id)


def quality_recipients(issue: QualityIssue) -> QuerySet[User]:
    return provider_stewards(issue.provider)


def stewards_of_providers(provider_ids: Any) -> QuerySet[User]:
    """The active data stewards of several provider units at once (the quality digest)."""
    return User.objects.filter(organisation_id__in=list(provider_ids), is_active=True,
                               groups__name=Role.DATA_STEWARD.value).distinct()
