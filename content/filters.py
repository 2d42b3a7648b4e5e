"""One FilterSet per list, used by both the API viewset and the HTML page (same meaning in both)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import RegionLevel
from shequyun.filters import PortalFilterSet, RegionSubtreeFilter, StrictBooleanFilter

from .models import ContentItem, Feedback, FeedbackKind, FeedbackStatus, Kind, Status, TrainingMaterial

SELECT = forms.Select(attrs={"class": "form-select"})
TEXT = forms.TextInput(attrs={"class": "form-control"})
DATE = forms.DateInput(attrs={"class": "form-control", "type": "date"})


class ItemFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, widget=SELECT,
                                         empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Kind.choices, widget=SELECT, empty_label=_("全部"))
    region = RegionSubtreeFilter(label=_("采集区域代码"), widget=TEXT, help_text=_("12 位区划代码，含下级"))
    audience = RegionSubtreeFilter(label=_("发布范围代码"), path_lookup="audience__path", widget=TEXT,
                                   help_text=_("发布范围在该区域（含下级）内"))
    date_from = django_filters.DateFilter(label=_("发布日期自"), field_name="publish_at", lookup_expr="date__gte",
                                          widget=DATE)
    date_to = django_filters.DateFilter(label=_("发布日期至"), field_name="publish_at", lookup_expr="date__lte",
                                        widget=DATE)
    q = django_filters.CharFilter(label=_("标题"), field_name="title", lookup_expr="icontains", widget=TEXT)
    mine = StrictBooleanFilter(label=_("只看本单位"), method="filter_mine",
                                        widget=forms.Select(attrs={"class": "form-select"}, choices=[
                                            ("", _("全部")), ("true", _("是")), ("false", _("否"))]))

    class Meta:
        model = ContentItem
        fields = ["status", "kind", "region", "audience", "date_from", "date_to", "q", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        own = {"region_id": user.region_id}
        return queryset.filter(**own) if value else queryset.exclude(**own)


class FeedbackFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FeedbackStatus.choices, widget=SELECT,
                                         empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=FeedbackKind.choices, widget=SELECT,
                                       empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("承办层级"), field_name="handler_region__level",
                                        choices=RegionLevel.choices, widget=SELECT, empty_label=_("全部"))
    region = RegionSubtreeFilter(label=_("反馈区域代码"), widget=TEXT)
    overdue = StrictBooleanFilter(label=_("超期"), method="filter_overdue", widget=forms.Select(
        attrs={"class": "form-select"}, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]))

    class Meta:
        model = Feedback
        fields = ["status", "kind", "level", "region", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        late = {"status": FeedbackStatus.OPEN, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class TrainingFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("标题"), field_name="title", lookup_expr="icontains", widget=TEXT)
    read = StrictBooleanFilter(label=_("已读"), field_name="is_read", widget=forms.Select(
        attrs={"class": "form-select"}, choices=[("", _("全部")), ("true", _("已读")), ("false", _("未读"))]))

    class Meta:
        model = TrainingMaterial
        fields = ["q", "read"]
