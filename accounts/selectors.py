"""Reads of the accounts app. Every one starts from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from shequyun.scoping import in_scope

from .models import Region


@dataclass
class ChildRow:
    region: Region
    counts: dict[str, int]


def region_get_visible(*, user, code: str) -> Region:
    """The region with this code if the user may see it, else 404 (same answer for missing and out of scope)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise Http404("No region matches the given query.")
    return region


def region_children(*, user, region: Region) -> list[ChildRow]:
    """Children of a visible region with their descendant counts: two queries whatever the number of children."""
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    counts = Region.objects.child_counts(region)
    return [ChildRow(region=child, counts=counts.get(child.path, {})) for child in children]


def region_breadcrumbs(*, user, region: Region) -> list[Region]:
    """From the user's own region down to ``region``: never above what the user may see."""
    return [r for r in region.ancestors() if in_scope(user, r)]


def region_list(*, user) -> QuerySet[Region]:
    return Region.objects.visible_to(user)
