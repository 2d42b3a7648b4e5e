"""Who may do what with content — each rule in three forms side by side: the predicate (``may_x(user, obj)``), its
queryset form (``x_queryset(user)``: the queue) and its recipients (``x_recipients(obj)``: who is notified).
``tests/content/test_permissions.py`` checks that the three agree in every cell of the matrix.

Roles and the hierarchy come from accounts (``has_role``, organisation kinds, levels); nothing here tests a role
name by hand.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import OrganisationKind, Region, RegionLevel, User
from accounts.permissions import has_role, may_act_as_city_operations, works_for
from accounts.roles import Role

from .models import (
    REVIEW_STATES,
    ContentItem,
    Feedback,
    FeedbackStatus,
    ItemEvent,
    ItemRevision,
    TrainingMaterial,
)

#: Roles a review step may be bound to.
REVIEW_ROLES = (Role.REVIEWER, Role.OPERATOR)


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _superuser(user: Any) -> bool:
    return _active(user) and user.is_superuser


def is_operations_operator(user: Any) -> bool:
    """An operator of an operations office (运营管理部门) at any level."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.region is not None and works_for(user, OrganisationKind.OPERATIONS_OFFICE) and has_role(
        user, Role.OPERATOR)


# --- Collection ---------------------------------------------------------------------------------------------

def may_author(user: Any, region: Region) -> bool:
    """Staff and operators collect content for their own region (village or street staff, and any level's own)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.region_id == region.pk and (has_role(user, Role.STAFF) or has_role(user, Role.OPERATOR))


def may_edit(user: Any, item: ContentItem) -> bool:
    return may_author(user, item.region)


def is_author(user: Any, item: ContentItem) -> bool:
    """The creator and everyone who saved a revision: four-eyes keeps all of them off the review."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return item.created_by_id == user.pk or ItemRevision.objects.filter(item=item, created_by_id=user.pk).exists()


def may_withdraw(user: Any, item: ContentItem) -> bool:
    """撤稿: the item's own editors, or an operations office above it."""
    if may_edit(user, item):
        return True
    return is_operations_operator(user) and (user.is_superuser or item.region.path.startswith(user.region.path))


def may_publish_now(user: Any, item: ContentItem) -> bool:
    return may_edit(user, item)


# --- Review: one rule, three forms ----------------------------------------------------------------------------

def may_review(user: Any, item: ContentItem) -> bool:
    """The reviewer of the item's current step: holds the step's role at the step's region, is not an author of the
    item (four-eyes) and has not approved another step of this round (nobody approves two steps of one item)."""
    if not _active(user):
        return False
    if item.status not in REVIEW_STATES or item.current_step_region_id is None:
        return False
    if not user.is_superuser:
        if user.region_id != item.current_step_region_id:
            return False
        if item.current_step_role not in user.role_slugs:
            return False
    if is_author(user, item):
        return False
    return not ItemEvent.objects.filter(review_round_id=item.review_round_id, action="approve",
                                        actor_id=user.pk).exists()


def review_queryset(user: Any) -> QuerySet[ContentItem]:
    """The same rule as a queryset: what waits on ``user`` (the review queue)."""
    if not _active(user) or (user.region is None and not user.is_superuser):
        return ContentItem.objects.none()
    queryset = ContentItem.objects.visible_to(user).filter(status__in=REVIEW_STATES, current_step_region__isnull=False)
    if not user.is_superuser:
        queryset = queryset.filter(current_step_region_id=user.region_id, current_step_role__in=user.role_slugs)
    authored = ItemRevision.objects.filter(item=OuterRef("pk"), created_by_id=user.pk)
    approved = ItemEvent.objects.filter(review_round=OuterRef("review_round"), action="approve", actor_id=user.pk)
    return queryset.exclude(created_by_id=user.pk).exclude(Exists(authored)).exclude(Exists(approved))


def review_recipients(item: ContentItem) -> QuerySet[User]:
    """Who is told that the item waits on them."""
    if item.status not in REVIEW_STATES or item.current_step_region_id is None:
        return User.objects.none()
    authors = ItemRevision.objects.filter(item=item).values("created_by_id")
    approvers = ItemEvent.objects.filter(review_round_id=item.review_round_id, action="approve").values("actor_id")
    return (User.objects.filter(is_active=True, region_id=item.current_step_region_id,
                                groups__name=item.current_step_role)
            .exclude(pk=item.created_by_id).exclude(pk__in=authors).exclude(pk__in=approvers).distinct())


def author_recipients(item: ContentItem) -> QuerySet[User]:
    authors = ItemRevision.objects.filter(item=item).values("created_by_id")
    return User.objects.filter(Q(pk=item.created_by_id) | Q(pk__in=authors), is_active=True).distinct()


def audience_recipients(item: ContentItem) -> QuerySet[User]:
    """Published items reach the staff of their audience subtree."""
    return User.objects.filter(is_active=True, region__path__startswith=item.audience.path,
                               groups__name__in=[Role.STAFF.value, Role.OPERATOR.value]).distinct()


# --- Configuration -------------------------------------------------------------------------------------------

def may_configure_chain(user: Any, region: Region) -> bool:
    """A level's review chain is edited by that level's operations office."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_operations_operator(user) and user.region_id == region.pk


def may_edit_lexicon(user: Any) -> bool:
    """The sensitive-word lexicon is kept by the city operations office."""
    return may_act_as_city_operations(user)


# --- Training ------------------------------------------------------------------------------------------------

def may_publish_training(user: Any) -> bool:
    """Operations offices of the city, districts and streets publish training materials for their subtree."""
    if not is_operations_operator(user):
        return False
    return user.is_superuser or user.region.level != RegionLevel.VILLAGE


def may_see_coverage(user: Any, material: TrainingMaterial) -> bool:
    """Operations offices see who in their subtree has read a material they can see."""
    return is_operations_operator(user)


def coverage_users(user: Any, material: TrainingMaterial) -> QuerySet[User]:
    """The people a material is for, as far as ``user`` may see them: the deeper of the two subtrees."""
    path = material.region.path
    if not user.is_superuser and len(user.region.path) > len(path):
        path = user.region.path
    return User.objects.filter(is_active=True, region__path__startswith=path)


# --- Feedback (工作交流平台): one rule, three forms -------------------------------------------------------------

def feedback_route(region: Region) -> Region:
    """One level up; the city answers its own."""
    return region.parent if region.parent_id else region


def may_raise_feedback(user: Any) -> bool:
    return _active(user) and user.region is not None


def may_handle_feedback(user: Any, feedback: Feedback) -> bool:
    """The operations office of the level the feedback currently sits at answers, forwards or closes it."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_operations_operator(user) and user.region_id == feedback.handler_region_id


def feedback_handling_queryset(user: Any) -> QuerySet[Feedback]:
    if not _active(user):
        return Feedback.objects.none()
    queryset = Feedback.objects.visible_to(user)
    if user.is_superuser:
        return queryset
    if not is_operations_operator(user):
        return Feedback.objects.none()
    return queryset.filter(handler_region_id=user.region_id)


def feedback_recipients(feedback: Feedback) -> QuerySet[User]:
    if feedback.status != FeedbackStatus.OPEN:
        return User.objects.filter(pk=feedback.raised_by_id, is_active=True)
    return User.objects.filter(is_active=True, region_id=feedback.handler_region_id,
                               organisation__kind=OrganisationKind.OPERATIONS_OFFICE,
                               groups__name=Role.OPERATOR.value).distinct()


def may_close_feedback(user: Any, feedback: Feedback) -> bool:
    """The handling office closes; the raiser may close their own once it is answered."""
    return may_handle_feedback(user, feedback) or (_active(user) and feedback.raised_by_id == user.pk)
