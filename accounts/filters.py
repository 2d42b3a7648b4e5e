import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, Region, RegionLevel, User
from accounts.permissions import managed_by
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
    """Accounts: the API's list and the account-management page (same parameters, same meaning)."""

    q = django_filters.CharFilter(label=_("用户名或姓名"), method="filter_q",
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    region = django_filters.CharFilter(label=_("所在区域（区划代码）"), field_name="region__code",
                                       widget=forms.TextInput(attrs={"class": "form-control"}))
    within = RegionSubtreeFilter(label=_("区域（含下级）"), widget=forms.TextInput(attrs={"class": "form-control"}))
    role = django_filters.ChoiceFilter(label=_("角色"), field_name="groups__name", choices=Role.choices,
                                      empty_label=_("全部"), widget=forms.Select(attrs={"class": "form-select"}))
    is_active = StrictBooleanFilter(label=_("状态"), widget=forms.Select(
        attrs={"class": "form-select"}, choices=[("", _("全部")), ("true", _("启用")), ("false", _("停用"))]))
    manageable = StrictBooleanFilter(method="filter_manageable", label=_("只看我管理的账号"))

    class Meta:
        model = User
        fields = ["q", "region", "within", "is_active", "must_change_password", "role", "platform_id"]

    def filter_q(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def filter_manageable(self, queryset, name, value):  # type: ignore[no-untyped-def]
        managed = managed_by(self.request.user)
        return queryset.filter(managed) if value else queryset.exclude(managed)
