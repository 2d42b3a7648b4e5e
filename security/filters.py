"""One FilterSet per list, used by the API viewsets and the HTML pages alike (filters kept in the URL)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import RegionLevel
from shequyun.filters import ObjectIdFilter, PortalFilterSet, RegionSubtreeFilter, StrictBooleanFilter

from .models import (
    OPEN_STATUSES,
    Assessment,
    ConfidentialityAgreement,
    Drill,
    DrillStatus,
    EmergencyPlan,
    Grade,
    Incident,
    IncidentKind,
    IncidentStatus,
    ProtectionLevel,
    Training,
)

SELECT = {"class": "form-select"}
INPUT = {"class": "form-control"}
YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class RegionCodeFilter(RegionSubtreeFilter):
    """The shared region-subtree filter with this app's text input."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("区划代码"))
        kwargs.setdefault("widget", django_filters.widgets.forms.TextInput(attrs=INPUT))
        super().__init__(**kwargs)


class IncidentFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=IncidentStatus.choices, empty_label=_("全部"),
                                         widget=django_filters.widgets.forms.Select(attrs=SELECT))
    open = StrictBooleanFilter(label=_("未结"), method="filter_open",
                                        widget=django_filters.widgets.forms.Select(attrs=SELECT, choices=YES_NO))
    grade = django_filters.ChoiceFilter(label=_("级别"), choices=Grade.choices, method="filter_grade",
                                        empty_label=_("全部"), widget=django_filters.widgets.forms.Select(attrs=SELECT))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=IncidentKind.choices, empty_label=_("全部"),
                                       widget=django_filters.widgets.forms.Select(attrs=SELECT))
    is_drill = StrictBooleanFilter(label=_("演练事件"),
                                            widget=django_filters.widgets.forms.Select(attrs=SELECT, choices=YES_NO))
    category = django_filters.CharFilter(label=_("类别代码"), field_name="category__code", max_length=20,
                                         widget=django_filters.widgets.forms.TextInput(attrs=INPUT))
    region = RegionCodeFilter()
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q", max_length=100,
                                  widget=django_filters.widgets.forms.TextInput(attrs=INPUT))

    class Meta:
        model = Incident
        fields = ["status", "open", "grade", "kind", "is_drill", "category", "region", "q"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_grade(self, queryset, name, value):
        return queryset.filter(Q(grade=value) | Q(grade__isnull=True, suggested_grade=value))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class PlanFilter(PortalFilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), field_name="region__level", empty_label=_("全部"),
                                        choices=[c for c in RegionLevel.choices if c[0] != RegionLevel.VILLAGE],
                                        widget=django_filters.widgets.forms.Select(attrs=SELECT))
    region = RegionCodeFilter()

    class Meta:
        model = EmergencyPlan
        fields = ["level", "region"]


class DrillFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DrillStatus.choices, empty_label=_("全部"),
                                         widget=django_filters.widgets.forms.Select(attrs=SELECT))
    overdue = StrictBooleanFilter(label=_("超期未演练"), method="filter_overdue",
                                           widget=django_filters.widgets.forms.Select(attrs=SELECT, choices=YES_NO))
    region = RegionCodeFilter()

    class Meta:
        model = Drill
        fields = ["status", "overdue", "region"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status=DrillStatus.PLANNED, planned_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class TrainingFilter(PortalFilterSet):
    year = django_filters.NumberFilter(label=_("年度"), field_name="held_on", lookup_expr="year", min_value=2000,
                                       max_value=2100, widget=django_filters.widgets.forms.NumberInput(attrs=INPUT))
    region = RegionCodeFilter()
    q = django_filters.CharFilter(label=_("主题"), field_name="topic", lookup_expr="icontains", max_length=100,
                                  widget=django_filters.widgets.forms.TextInput(attrs=INPUT))

    class Meta:
        model = Training
        fields = ["year", "region", "q"]


class AssessmentFilter(PortalFilterSet):
    level = django_filters.ChoiceFilter(label=_("等保级别"), field_name="protection_level",
                                        choices=ProtectionLevel.choices, empty_label=_("全部"),
                                        widget=django_filters.widgets.forms.Select(attrs=SELECT))
    due_within = django_filters.NumberFilter(label=_("N天内到期"), method="filter_due", min_value=0, max_value=3650,
                                             widget=django_filters.widgets.forms.NumberInput(attrs=INPUT))
    region = RegionCodeFilter(path_lookup="scenario__region__path")

    class Meta:
        model = Assessment
        fields = ["level", "due_within", "region"]

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        horizon = timezone.localdate() + dt.timedelta(days=int(value))
        return queryset.filter(Q(next_due_on__lte=horizon) | Q(protection_level__gte=3, crypto_next_due_on__lte=horizon))


class AgreementFilter(PortalFilterSet):
    expiring_within = django_filters.NumberFilter(label=_("N天内到期"), method="filter_expiring", min_value=0,
                                                  max_value=3650,
                                                  widget=django_filters.widgets.forms.NumberInput(attrs=INPUT))
    scenario = ObjectIdFilter(label=_("场景编号"), field_name="scenario_id",
                              widget=django_filters.widgets.forms.NumberInput(attrs=INPUT))
    region = RegionCodeFilter(path_lookup="scenario__region__path")

    class Meta:
        model = ConfidentialityAgreement
        fields = ["expiring_within", "scenario", "region"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(expires_on__lte=timezone.localdate() + dt.timedelta(days=int(value)))
