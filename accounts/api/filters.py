import django_filters

from accounts.models import Organisation, OrganisationKind, Region, RegionLevel, within_region


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    code = django_filters.CharFilter(field_name="code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="name contains")
    within = django_filters.CharFilter(method="filter_within", label="code of an ancestor (whole subtree)")

    class Meta:
        model = Region
        fields = ["level", "parent", "code", "name", "is_placeholder"]

    def filter_within(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return within_region(queryset, value, "path")


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    region = django_filters.CharFilter(field_name="region__code", label="region code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="name contains")

    class Meta:
        model = Organisation
        fields = ["kind", "region", "name", "is_active"]
