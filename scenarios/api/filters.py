import django_filters

from accounts.models import RegionLevel, within_region
from scenarios.models import Application, Category, Scenario, Status


class ScenarioFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(field_name="region__level", choices=RegionLevel.choices)
    region = django_filters.CharFilter(method="filter_region", label="region code (whole subtree)")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    developer = django_filters.CharFilter(field_name="developer_name", lookup_expr="icontains")

    class Meta:
        model = Scenario
        fields = ["level", "region", "category", "status", "developer"]

    def filter_region(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return within_region(queryset, value, "region__path")


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="scenario__status", choices=Status.choices)

    class Meta:
        model = Application
        fields = ["status"]
