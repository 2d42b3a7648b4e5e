"""All forms of the security pages. Choices that depend on the user are narrowed in ``__init__`` to what the user
may see; the services check again (a tampered id gets the same 400 as a missing one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from scenarios.models import Scenario
from shequyun.validators import not_future, sane_date

from .models import (
    Grade,
    Importance,
    IncidentCategory,
    IncidentKind,
    Loss,
    PlanStatus,
    PlanVersion,
    ProtectionLevel,
    SocialImpact,
)
from .permissions import handling_region

INPUT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
DATE = {"class": "form-control", "type": "date"}
DATETIME = {"class": "form-control", "type": "datetime-local"}
USERS_LIMIT = 500


def _people(user: Any) -> Any:
    return User.objects.visible_to(user).filter(is_active=True).select_related("region").order_by(
        "region__code", "username")[:USERS_LIMIT]


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.region.name if obj.region else ''}）"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.region.name if obj.region else ''}）"


def _people_field(user: Any, label: Any, required: bool = False) -> PeopleChoice:
    ids = [u.pk for u in _people(user)]
    return PeopleChoice(label=label, required=required, queryset=User.objects.filter(pk__in=ids).select_related(
        "region").order_by("region__code", "username"), widget=forms.CheckboxSelectMultiple)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=IncidentKind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("事件概述"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("详细情况"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs=AREA))
    scenario = forms.ModelChoiceField(label=_("受影响场景"), required=False, queryset=Scenario.objects.none(),
                                      widget=forms.Select(attrs=SELECT))
    unit = forms.ModelChoiceField(label=_("受影响单位"), required=False, queryset=Organisation.objects.none(),
                                  widget=forms.Select(attrs=SELECT), help_text=_("整个接入单位受影响时填写。"))
    lead_department = forms.ModelChoiceField(label=_("牵头部门"), required=False, queryset=Organisation.objects.none(),
                                             widget=forms.Select(attrs=SELECT),
                                             help_text=_("该模块的牵头部门（001 §4），事件先送达牵头部门，再上报城运中心。"))
    category = forms.ChoiceField(label=_("事件类别（GB/T 20986-2023）"), widget=forms.Select(attrs=SELECT))
    subcategory = forms.ChoiceField(label=_("事件子类"), required=False, widget=forms.Select(attrs=SELECT))
    started_at = forms.DateTimeField(label=_("发生时间"), widget=forms.DateTimeInput(attrs=DATETIME,
                                                                                  format="%Y-%m-%dT%H:%M"))
    detected_at = forms.DateTimeField(label=_("发现时间"), widget=forms.DateTimeInput(attrs=DATETIME,
                                                                                   format="%Y-%m-%dT%H:%M"))
    personal_info_leak = forms.BooleanField(label=_("疑似个人信息泄露"), required=False,
                                            widget=forms.CheckboxInput(attrs=CHECK))
    public_opinion = forms.BooleanField(label=_("涉及舆情（000 第十八条）"), required=False,
                                        widget=forms.CheckboxInput(attrs=CHECK))
    importance = forms.ChoiceField(label=_("影响对象重要程度"), choices=Importance.choices,
                                   widget=forms.Select(attrs=SELECT))
    loss = forms.ChoiceField(label=_("业务损失"), choices=Loss.choices, widget=forms.Select(attrs=SELECT))
    social_impact = forms.ChoiceField(label=_("社会危害"), choices=SocialImpact.choices,
                                      widget=forms.Select(attrs=SELECT))
    drill = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = (Scenario.objects.visible_to(user) | Scenario.objects.published()).order_by(
            "name")
        self.fields["unit"].queryset = Organisation.objects.visible_to(user).order_by("region__code", "name")
        if user.region is not None:
            regions = {user.region.pk, handling_region(user.region).pk}
            self.fields["lead_department"].queryset = Organisation.objects.filter(region_id__in=regions).order_by(
                "region__code", "name")
        cats = list(IncidentCategory.objects.filter(is_active=True).select_related("parent").order_by("sort"))
        self.fields["category"].choices = [("", "—")] + [(c.code, f"{c.code} {c.name}") for c in cats if not c.parent_id]
        groups: dict[str, list[tuple[str, str]]] = {}
        for c in cats:
            if c.parent_id:
                groups.setdefault(f"{c.parent.code} {c.parent.name}", []).append((c.code, f"{c.code} {c.name}"))
        self.fields["subcategory"].choices = [("", "—"), *groups.items()]
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["detected_at"].initial = now
        self.fields["started_at"].initial = now


class AcknowledgeForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("确认级别"), choices=Grade.choices, coerce=int,
                                   widget=forms.Select(attrs=SELECT))
    grade_reason = forms.CharField(label=_("调整理由（与建议级别不同时必填）"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={**AREA, "rows": 2}))
    comment = forms.CharField(label=_("受理意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class GradeForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("级别"), choices=Grade.choices, coerce=int, widget=forms.Select(attrs=SELECT))
    grade_reason = forms.CharField(label=_("理由"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class ResolveForm(forms.Form):
    resolution_note = forms.CharField(label=_("处置结果说明"), required=False, max_length=10000,
                                      widget=forms.Textarea(attrs=AREA))


class ActivatePlanForm(forms.Form):
    plan_version = forms.TypedChoiceField(label=_("应急预案"), coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, versions: list[PlanVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].choices = [
            (v.pk, _("%(region)s · %(title)s（第%(n)d版）") % {"region": v.plan.region.name, "title": v.plan.title,
                                                          "n": v.number}) for v in versions]


class DisconnectForm(forms.Form):
    scope = forms.ChoiceField(label=_("断开范围"), choices=[("scenario", _("受影响场景")),
                                                       ("unit", _("该单位的全部运行中场景"))],
                              widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("断开理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class ReviewForm(forms.Form):
    causes = forms.CharField(label=_("原因分析"), required=False, max_length=10000, widget=forms.Textarea(attrs=AREA))


class ReviewActionForm(forms.Form):
    description = forms.CharField(label=_("整改措施"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT))
    owner = PersonChoice(label=_("责任人"), required=False, queryset=User.objects.none(),
                         widget=forms.Select(attrs=SELECT))
    deadline = forms.DateField(validators=[sane_date], label=_("完成期限"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in _people(user)]
        self.fields["owner"].queryset = User.objects.filter(pk__in=ids).select_related("region").order_by(
            "region__code", "username")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("预案名称"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    organisation = forms.CharField(label=_("组织体系"), required=False, max_length=20000, widget=forms.Textarea(attrs=AREA))
    responsibilities = forms.CharField(label=_("职责分工"), required=False, max_length=20000,
                                       widget=forms.Textarea(attrs=AREA))
    procedure_1 = forms.CharField(label=_("I级（特别重大）响应程序"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs=AREA))
    procedure_2 = forms.CharField(label=_("II级（重大）响应程序"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs=AREA))
    procedure_3 = forms.CharField(label=_("III级（较大）响应程序"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs=AREA))
    procedure_4 = forms.CharField(label=_("IV级（一般）响应程序"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs=AREA))
    change_note = forms.CharField(label=_("修订说明"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class TeamMemberForm(forms.Form):
    user = PersonChoice(label=_("成员"), required=False, queryset=User.objects.none(), widget=forms.Select(attrs=SELECT))
    duty = forms.CharField(label=_("职责"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT))
    contact = forms.CharField(label=_("联系电话"), required=False, max_length=30, widget=forms.TextInput(attrs=INPUT))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in _people(user)]
        self.fields["user"].queryset = User.objects.filter(pk__in=ids).select_related("region").order_by(
            "region__code", "username")


class RevisionForm(forms.Form):
    reason = forms.CharField(label=_("修订原因"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={**AREA, "rows": 2}))
    working_days = forms.IntegerField(label=_("修订期限（工作日）"), min_value=1, max_value=120, initial=20,
                                      widget=forms.NumberInput(attrs=INPUT))


class DrillForm(forms.Form):
    title = forms.CharField(label=_("演练科目"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    plan_version = forms.TypedChoiceField(label=_("预案版本"), coerce=int, widget=forms.Select(attrs=SELECT))
    scenario = forms.ModelChoiceField(label=_("演练涉及场景"), required=False, queryset=Scenario.objects.none(),
                                      widget=forms.Select(attrs=SELECT))
    planned_on = forms.DateField(validators=[sane_date], label=_("计划日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = (PlanVersion.objects.visible_to(user).exclude(status=PlanStatus.SUPERSEDED)
                    .select_related("plan__region").order_by("plan__region__code", "-number"))
        self.fields["plan_version"].choices = [(v.pk, f"{v.plan.region.name} · {v.plan.title} v{v.number}（{v.get_status_display()}）")
                                               for v in versions]
        self.fields["scenario"].queryset = Scenario.objects.visible_to(user).order_by("name")
        self.fields["participants"] = _people_field(user, _("参演人员"))


class DrillCompleteForm(forms.Form):
    held_on = forms.DateField(validators=[sane_date], label=_("实施日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    findings = forms.CharField(label=_("演练发现"), required=False, max_length=10000, widget=forms.Textarea(attrs=AREA))
    revision_required = forms.BooleanField(label=_("须修订预案"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    revision_working_days = forms.IntegerField(label=_("修订期限（工作日）"), min_value=1, max_value=120, initial=20,
                                               widget=forms.NumberInput(attrs=INPUT))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"] = _people_field(user, _("参演人员"))


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("培训主题"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    held_on = forms.DateField(validators=[sane_date], label=_("培训日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    materials = forms.CharField(label=_("培训材料"), required=False, max_length=5000, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"] = _people_field(user, _("参训人员"), required=True)


class AssessmentForm(forms.Form):
    protection_level = forms.TypedChoiceField(label=_("等保级别"), required=False, coerce=int, empty_value=None,
                                              choices=[("", _("未定级")), *ProtectionLevel.choices],
                                              widget=forms.Select(attrs=SELECT))
    tested_on = forms.DateField(validators=[sane_date, not_future], label=_("最近等保测评日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    next_due_on = forms.DateField(validators=[sane_date], label=_("下次等保测评日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                  help_text=_("不填则按级别推算：第四级半年、第三级一年、第二级两年。"))
    crypto_assessed_on = forms.DateField(validators=[sane_date, not_future], label=_("最近密评日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                         help_text=_("等保第三级及以上须做商用密码应用安全性评估（002 第三十二条）。"))
    crypto_next_due_on = forms.DateField(validators=[sane_date], label=_("下次密评日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("备注"), required=False, max_length=5000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class NewAssessmentForm(AssessmentForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"scenario": forms.ModelChoiceField(
            label=_("应用场景"), queryset=Scenario.objects.visible_to(user).filter(assessment__isnull=True).order_by("name"),
            widget=forms.Select(attrs=SELECT)), **self.fields}


class AgreementForm(forms.Form):
    vendor_name = forms.CharField(label=_("签约单位"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    vendor_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, widget=forms.TextInput(attrs=INPUT))
    signatory = forms.CharField(label=_("签约人"), max_length=50, widget=forms.TextInput(attrs=INPUT))
    signed_on = forms.DateField(validators=[sane_date], label=_("签订日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    expires_on = forms.DateField(validators=[sane_date], label=_("到期日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("备注"), required=False, max_length=5000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class NewAgreementForm(AgreementForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"scenario": forms.ModelChoiceField(
            label=_("应用场景"), queryset=Scenario.objects.visible_to(user).order_by("name"),
            widget=forms.Select(attrs=SELECT)), **self.fields}


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))
    is_active = forms.BooleanField(label=_("启用"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
