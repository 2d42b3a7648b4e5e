from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, Region, RegionLevel, User
from accounts.permissions import managed_by
from accounts.roles import Role
from shequyun.filters import PortalFilterSet, RegionCodeField, RegionSubtreeFilter, StrictBooleanFilter
from shequyun.models import AuditEventType

from .audit_records import ACTION_LABELS, model_label, tracked_models


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
    """Accounts: the API's list and the account-management page (same parameters, same meaning)."""

    q = django_filters.CharFilter(label=_("用户名或姓名"), method="filter_q",
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    region = RegionSubtreeFilter(label=_("区域（含下级）"), widget=forms.TextInput(attrs={"class": "form-control"}))
    role = django_filters.ChoiceFilter(label=_("角色"), field_name="groups__name", choices=Role.choices,
                                      empty_label=_("全部"), widget=forms.Select(attrs={"class": "form-select"}))
    is_active = StrictBooleanFilter(label=_("状态"), widget=forms.Select(
        attrs={"class": "form-select"}, choices=[("", _("全部")), ("true", _("启用")), ("false", _("停用"))]))
    manageable = StrictBooleanFilter(method="filter_manageable", label=_("只看我管理的账号"))
    locked = StrictBooleanFilter(method="filter_locked", label=_("只看被锁定的账号"))

    class Meta:
        model = User
        fields = ["q", "region", "is_active", "must_change_password", "role", "platform_id"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def filter_locked(self, queryset, name, value):
        from accounts.selectors import locked_usernames_query

        locked = Q(username__in=locked_usernames_query())
        return queryset.filter(locked) if value else queryset.exclude(locked)

    def filter_manageable(self, queryset, name, value):
        managed = managed_by(self.request.user)
        return queryset.filter(managed) if value else queryset.exclude(managed)

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _type_choices() -> list[tuple[str, str]]:
    return sorted(((m._meta.label_lower, model_label(m)) for m in tracked_models()), key=lambda c: c[1])


class _RegionFilter(django_filters.CharFilter):
    field_class = RegionCodeField


class _AuditFilterBase(PortalFilterSet):
    person = django_filters.CharFilter(label=_("操作人"), method="filter_person",
                                       widget=forms.TextInput(attrs={**TEXT, "placeholder": _("姓名或用户名")}))
    date_from = django_filters.DateFilter(label=_("起始日期"), method="filter_from", widget=DATE)
    date_to = django_filters.DateFilter(label=_("截止日期"), method="filter_to", widget=DATE)
    region = _RegionFilter(label=_("所属区域"), method="filter_region")

    #: the lookups of the two models
    time_field = ""
    region_field = ""

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        self.filters["object_type"].extra["choices"] = _type_choices()

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor__username__icontains=value) | Q(actor__full_name__icontains=value)
                               | self._extra_person(value))

    def _extra_person(self, value: str) -> Q:
        return Q(pk__in=[])

    def filter_from(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{self.time_field}__date__gte": value})

    def filter_to(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{self.time_field}__date__lte": value})

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        region_model = apps.get_model("accounts", "Region")
        user = getattr(self.request, "user", None)
        path = region_model.objects.visible_to(user).filter(code=value).values_list("path", flat=True).first()
        return queryset.filter(**{f"{self.region_field}__startswith": path}) if path else queryset.none()


class ChangeEntryFilter(_AuditFilterBase):
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), method="filter_type",
                                              widget=forms.Select(attrs=SELECT), empty_label=_("全部"))
    action = django_filters.ChoiceFilter(label=_("操作"), choices=list(ACTION_LABELS.items()),
                                         widget=forms.Select(attrs=SELECT), empty_label=_("全部"))
    time_field = "timestamp"
    region_field = "additional_data__region_path"

    class Meta:
        model = apps.get_model("auditlog", "LogEntry")
        fields = ["person", "object_type", "action", "date_from", "date_to", "region"]

    def filter_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class AuditEventFilter(_AuditFilterBase):
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), field_name="target_type",
                                              widget=forms.Select(attrs=SELECT), empty_label=_("全部"))
    event_type = django_filters.ChoiceFilter(label=_("事件"), choices=AuditEventType.choices,
                                             widget=forms.Select(attrs=SELECT), empty_label=_("全部"))
    time_field = "created_at"
    region_field = "region_path"

    class Meta:
        model = apps.get_model("shequyun", "AuditEvent")
        fields = ["person", "object_type", "event_type", "date_from", "date_to", "region"]

    def _extra_person(self, value: str) -> Q:
        return Q(actor_username__icontains=value)
