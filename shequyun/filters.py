"""Filters shared by every list, in the API and in the pages (one FilterSet per list serves both).

* :class:`PortalFilterSet` — the base of every FilterSet. A foreign key is filtered by its id as a plain number,
  never validated against the whole table: an id outside the caller's scope and an id that does not exist both
  give an empty list (no existence oracle). Scope itself always comes from ``visible_to`` first.
* :class:`RegionSubtreeFilter` — "region=<12-digit official code>": the rows owned by that region's whole subtree.
  A malformed code is a 400 naming the parameter; an unknown code is an empty list, like one outside scope.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

REGION_CODE = r"^\d{12}$"


class RegionCodeField(forms.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": _("请填写 12 位统计用区划代码，例如 310115015000。")})
        super().__init__(regex=REGION_CODE, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^(\d{12})?$", "example": "310115015000"})
class RegionSubtreeFilter(django_filters.CharFilter):
    field_class = RegionCodeField

    def __init__(self, *args: Any, path_lookup: str = "region__path", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("区划代码（含下级）"))
        super().__init__(*args, **kwargs)
        self.path_lookup = path_lookup

    def filter(self, queryset: models.QuerySet, value: Any) -> models.QuerySet:
        if not value:
            return queryset
        from django.apps import apps

        region_model = apps.get_model("accounts", "Region")
        path = region_model.objects.filter(code=value).values_list("path", flat=True).first()
        return queryset.filter(**{f"{self.path_lookup}__startswith": path}) if path else queryset.none()


@extend_schema_field({"type": "string", "pattern": r"^(\d{12})?$", "example": "310115015000"})
class RegionCodeFilter(django_filters.CharFilter):
    """A region by its 12-digit code, for filters with their own ``method`` (a malformed code is a 400)."""

    field_class = RegionCodeField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class ObjectIdFilter(django_filters.NumberFilter):
    """A related object by id: a number, nothing more (see PortalFilterSet)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("queryset", None)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """``true`` / ``false`` (or nothing); anything else is a 400, never silently ignored."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise forms.ValidationError(_("请填写 true 或 false。"), code="invalid")


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class PortalFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": ObjectIdFilter},
        models.OneToOneField: {"filter_class": ObjectIdFilter},
        models.ManyToManyField: {"filter_class": ObjectIdFilter},
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    @classmethod
    def filter_for_lookup(cls, field: Any, lookup_type: str) -> Any:
        if lookup_type == "isnull":
            return StrictBooleanFilter, {}
        return super().filter_for_lookup(field, lookup_type)

    def is_valid(self) -> bool:
        """A filter given twice (``?status=a&status=b``) is an error naming it, not "the last one wins"."""
        valid = super().is_valid()
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for name in self.filters:
                if len(getlist(name)) > 1:
                    self.form.add_error(name if name in self.form.fields else None, _("该参数只能出现一次。"))
                    valid = False
        return valid


class PortalFilterBackend(DjangoFilterBackend):
    """DRF's django-filter backend, building ``filterset_fields`` FilterSets on :class:`PortalFilterSet` too."""

    filterset_base = PortalFilterSet

    def filter_queryset(self, request: Any, queryset: models.QuerySet, view: Any) -> models.QuerySet:
        # A request that names none of the filters (a plain page, an object by id) would build the FilterSet and
        # its form only for every filter to leave the rows as they are (each one ignores an empty value).
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(name in request.query_params for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
