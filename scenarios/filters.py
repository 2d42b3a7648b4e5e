"""One FilterSet per list, used by the API viewsets and the HTML pages alike (the same parameter means the same
thing on both channels; filters stay in the URL)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import RegionLevel
from scenarios.models import Application, Category, Evaluation, EvaluationStatus, Outcome, Scenario, Status
from shequyun.filters import PortalFilterSet, RegionCodeFilter, RegionSubtreeFilter, StrictBooleanFilter

SELECT = forms.Select(attrs={"class": "form-select"})
TEXT = forms.TextInput(attrs={"class": "form-control"})


class ScenarioFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("名称或功能"), method="filter_q", widget=TEXT)
    level = django_filters.ChoiceFilter(label=_("层级"), field_name="region__level", choices=RegionLevel.choices,
                                       widget=SELECT, empty_label=_("全部"))
    region = RegionSubtreeFilter(label=_("区划代码（含下级）"), widget=TEXT)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices, widget=SELECT,
                                          empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, widget=SELECT, empty_label=_("全部"))
    developer = django_filters.CharFilter(label=_("开发单位"), field_name="developer_name", lookup_expr="icontains",
                                          widget=TEXT)
    available_to_me = StrictBooleanFilter(label=_("本辖区可用"), method="filter_available_to_me")
    available_in = RegionCodeFilter(label=_("在该区域可用（区划代码）"), method="filter_available_in")

    class Meta:
        model = Scenario
        fields = ["q", "level", "region", "category", "status", "developer", "available_to_me", "available_in"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(application__function_summary__icontains=value))

    def filter_available_to_me(self, queryset, name, value):
        """Online scenarios serving the caller's region: built at or above it, or promoted to it or above it."""
        if not value:
            return queryset
        region = getattr(getattr(self.request, "user", None), "region", None)
        return queryset.available_in(region) if region is not None else queryset.none()

    def filter_available_in(self, queryset, name, value):
        from accounts.models import Region

        if not value:
            return queryset
        region = Region.objects.filter(code=value).first()
        return queryset.available_in(region) if region is not None else queryset.none()


class ApplicationFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(field_name="scenario__status", choices=Status.choices)

    class Meta:
        model = Application
        fields = ["status"]


class EvaluationFilter(PortalFilterSet):
    region = RegionSubtreeFilter(path_lookup="scenario__region__path")
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)

    class Meta:
        model = Evaluation
        fields = ["campaign", "scenario", "status", "outcome", "region"]
