import django_filters

from accounts.models import RegionLevel
from scenarios.models import Application, Category, Scenario, Status
from shequyun.filters import PortalFilterSet, RegionSubtreeFilter


class ScenarioFilter(PortalFilterSet):
    level = django_filters.ChoiceFilter(field_name="region__level", choices=RegionLevel.choices)
    region = RegionSubtreeFilter()
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    developer = django_filters.CharFilter(field_name="developer_name", lookup_expr="icontains")

    class Meta:
        model = Scenario
        fields = ["level", "region", "category", "status", "developer"]


class ApplicationFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(field_name="scenario__status", choices=Status.choices)

    class Meta:
        model = Application
        fields = ["status"]
