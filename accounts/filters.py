import django_filters

from accounts.models import Organisation, OrganisationKind, Region, RegionLevel, User
from accounts.permissions import manageable_accounts_filter
from accounts.roles import Role
from shequyun.filters import PortalFilterSet, RegionSubtreeFilter, StrictBooleanFilter


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


class UserFilter(PortalFilterSet):
    region = django_filters.CharFilter(field_name="region__code")
    within = RegionSubtreeFilter()
    role = django_filters.ChoiceFilter(field_name="groups__name", choices=Role.choices)
    manageable = StrictBooleanFilter(method="filter_manageable", label="only accounts I manage")

    class Meta:
        model = User
        fields = ["region", "is_active", "must_change_password", "role"]

    def filter_manageable(self, queryset, name, value):  # type: ignore[no-untyped-def]
        rule = manageable_accounts_filter(self.request.user)
        return queryset.filter(rule).distinct() if value else queryset.exclude(pk__in=queryset.filter(rule).values("pk"))
