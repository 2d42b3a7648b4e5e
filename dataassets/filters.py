"""One FilterSet per list, used by both the API viewsets and the HTML pages (same names, same meaning)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequyun.filters import ObjectIdFilter, PortalFilterSet, RegionSubtreeFilter, StrictBooleanFilter

from .models import (
    Catalogue,
    Frequency,
    Grade,
    Objection,
    ObjectionKind,
    ObjectionStatus,
    OpenType,
    QualityIssue,
    QualityKind,
    QualityStatus,
    Resource,
    ResourceStatus,
    SharingRequest,
    SharingStatus,
    SharingType,
)
from .selectors import resource_search

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class ResourceFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("关键词（名称、代码、摘要、提供单位、信息项）"),
                                  widget=forms.TextInput(attrs=TEXT))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ResourceStatus.choices,
                                         widget=forms.Select(attrs=SELECT))
    catalogue = django_filters.ChoiceFilter(label=_("目录"), choices=Catalogue.choices,
                                            widget=forms.Select(attrs=SELECT))
    sharing_type = django_filters.ChoiceFilter(label=_("共享类型"), choices=SharingType.choices,
                                               widget=forms.Select(attrs=SELECT))
    open_type = django_filters.ChoiceFilter(label=_("开放类型"), choices=OpenType.choices,
                                            widget=forms.Select(attrs=SELECT))
    grade = django_filters.ChoiceFilter(label=_("数据分级"), choices=Grade.choices,
                                        widget=forms.Select(attrs=SELECT))
    update_frequency = django_filters.ChoiceFilter(label=_("更新频度"), choices=Frequency.choices,
                                                   widget=forms.Select(attrs=SELECT))
    region = RegionSubtreeFilter(label=_("区划代码（含下级）"), widget=forms.TextInput(attrs=TEXT))
    provider = ObjectIdFilter(field_name="provider_id", label=_("提供单位编号"),
                                           widget=forms.NumberInput(attrs=TEXT))
    revisions = StrictBooleanFilter(method="filter_revisions", label=_("只看变更"),
                                             widget=forms.Select(
                                                 attrs=SELECT, choices=[("", "—"), ("true", _("是")), ("false", _("否"))]))

    class Meta:
        model = Resource
        fields = ["q", "status", "catalogue", "sharing_type", "open_type", "grade", "update_frequency", "region",
                  "provider", "revisions"]

    def filter_q(self, queryset, name, value):
        return resource_search(queryset, value)

    def filter_revisions(self, queryset, name, value):
        return queryset.filter(revision_of__isnull=not value)


class ObjectionFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("阶段"), choices=ObjectionStatus.choices,
                                         widget=forms.Select(attrs=SELECT))
    kind = django_filters.ChoiceFilter(label=_("异议类型"), choices=ObjectionKind.choices,
                                       widget=forms.Select(attrs=SELECT))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("已超期"),
                                           widget=forms.Select(
                                               attrs=SELECT, choices=[("", "—"), ("true", _("是")), ("false", _("否"))]))
    resource = ObjectIdFilter(field_name="resource_id", label=_("数据资源编号"),
                              widget=forms.NumberInput(attrs=TEXT))

    class Meta:
        model = Objection
        fields = ["status", "kind", "overdue", "resource"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        late = (Q(status=ObjectionStatus.RECEIVED, mark_due__lt=today)
                | Q(status=ObjectionStatus.MARKED, decide_due__lt=today)
                | Q(status=ObjectionStatus.TRANSFERRED, department_due__lt=today))
        return queryset.filter(late) if value else queryset.exclude(late)


class SharingFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SharingStatus.choices,
                                         widget=forms.Select(attrs=SELECT))
    resource = ObjectIdFilter(field_name="resource_id", label=_("数据资源编号"),
                              widget=forms.NumberInput(attrs=TEXT))

    class Meta:
        model = SharingRequest
        fields = ["status", "resource"]


class QualityFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=QualityStatus.choices,
                                         widget=forms.Select(attrs=SELECT))
    kind = django_filters.ChoiceFilter(label=_("问题类型"), choices=QualityKind.choices,
                                       widget=forms.Select(attrs=SELECT))
    provider = ObjectIdFilter(field_name="provider_id", label=_("提供单位编号"),
                                           widget=forms.NumberInput(attrs=TEXT))

    class Meta:
        model = QualityIssue
        fields = ["status", "kind", "provider"]
