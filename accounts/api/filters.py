import django_filters

from accounts.models import Organisation, OrganisationKind, Region, RegionLevel
from shequyun.filters import PortalFilterSet, RegionSubtreeFilter


class RegionFilter(PortalFilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    code = django_filters.CharFilter(field_name="code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="name contains")
    within = RegionSubtreeFilter(path_lookup="path")

    class Meta:
        model = Region
        fields = ["level", "parent", "code", "name", "is_placeholder"]


class OrganisationFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    region = django_filters.CharFilter(field_name="region__code", label="region code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="name contains")

    class Meta:
        model = Organisation
        fields = ["kind", "region", "name", "is_active"]
