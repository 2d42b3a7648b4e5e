from typing import Any

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from shequyun.validators import max_length_of, not_past, period_validator, phone_validator, sane_date

from .models import Application, Category, Evaluation, Outcome

INPUT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SCORE = {"class": "form-control", "min": 0, "max": 100, "inputmode": "numeric"}
FINDING = {"class": "form-control", "rows": 2}


class ScenarioForm(forms.Form):
    """Scenario registration and its onboarding application (000 Art. 12), one page."""

    name = forms.CharField(label=_("场景名称"), max_length=200, widget=forms.TextInput(attrs={
        **INPUT, "hx-get": "/scenarios/similar/", "hx-trigger": "keyup changed delay:600ms",
        "hx-target": "#similar", "hx-include": "#id_function_summary"}))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, widget=forms.Select(attrs={"class": "form-select"}))
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, widget=forms.TextInput(attrs=INPUT))
    developer_name = forms.CharField(label=_("开发单位"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    developer_credit_code = forms.CharField(label=_("开发单位统一社会信用代码"), max_length=18, widget=forms.TextInput(attrs=INPUT))
    developer_contact = forms.CharField(label=_("开发单位联系人"), max_length=50, widget=forms.TextInput(attrs=INPUT))
    developer_phone = forms.CharField(label=_("开发单位联系电话"), max_length=30, validators=[phone_validator], widget=forms.TextInput(attrs=INPUT))
    has_public_opinion = forms.BooleanField(label=_("具有舆论属性或社会动员能力"), required=False,
                                            help_text=_("如是，须提交用户行为管理方案。"))
    function_summary = forms.CharField(label=_("功能概述"), required=False, max_length=max_length_of(Application, "function_summary"), widget=forms.Textarea(attrs={
        **AREA, "hx-get": "/scenarios/similar/", "hx-trigger": "keyup changed delay:800ms", "hx-target": "#similar",
        "hx-include": "#id_name"}))
    operating_mechanism = forms.CharField(label=_("运行机制"), required=False, max_length=max_length_of(Application, "operating_mechanism"), widget=forms.Textarea(attrs=AREA))
    integration_needs = forms.CharField(label=_("技术对接需求"), required=False, max_length=max_length_of(Application, "integration_needs"), widget=forms.Textarea(attrs=AREA))
    developer_info = forms.CharField(label=_("开发单位情况"), required=False, max_length=max_length_of(Application, "developer_info"), widget=forms.Textarea(attrs=AREA))
    behaviour_plan = forms.CharField(label=_("用户行为管理方案"), required=False, max_length=max_length_of(Application, "behaviour_plan"), widget=forms.Textarea(attrs=AREA))
    risk_report = forms.FileField(label=_("安全风险评估报告"), required=False,
                                  help_text=_("PDF 或 Word，不超过 20 MB。已上传的报告不重新选择则保留。"),
                                  widget=forms.ClearableFileInput(attrs={**INPUT, "accept": ".pdf,.doc,.docx"}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))




class EvaluationForm(forms.Form):
    mechanism_score = forms.IntegerField(label=gettext_lazy("运行机制 · 得分"), min_value=0, max_value=100, required=False,
                                         widget=forms.NumberInput(attrs=SCORE))
    mechanism_finding = forms.CharField(label=gettext_lazy("运行机制 · 评价"), required=False, max_length=max_length_of(Evaluation, "mechanism_finding"), widget=forms.Textarea(attrs=FINDING))
    effectiveness_score = forms.IntegerField(label=gettext_lazy("使用成效 · 得分"), min_value=0, max_value=100,
                                             required=False, widget=forms.NumberInput(attrs=SCORE))
    effectiveness_finding = forms.CharField(label=gettext_lazy("使用成效 · 评价"), required=False, max_length=max_length_of(Evaluation, "effectiveness_finding"),
                                            widget=forms.Textarea(attrs=FINDING))
    participation_score = forms.IntegerField(label=gettext_lazy("居民参与度 · 得分"), min_value=0, max_value=100,
                                             required=False, widget=forms.NumberInput(attrs=SCORE))
    participation_finding = forms.CharField(label=gettext_lazy("居民参与度 · 评价"), required=False, max_length=max_length_of(Evaluation, "participation_finding"),
                                            widget=forms.Textarea(attrs=FINDING))
    security_score = forms.IntegerField(label=gettext_lazy("安全风险 · 得分"), min_value=0, max_value=100, required=False,
                                        widget=forms.NumberInput(attrs=SCORE))
    security_finding = forms.CharField(label=gettext_lazy("安全风险 · 评价"), required=False, max_length=max_length_of(Evaluation, "security_finding"), widget=forms.Textarea(attrs=FINDING))
    outcome = forms.ChoiceField(label=gettext_lazy("评估结论"), choices=Outcome.choices, required=False,
                                widget=forms.RadioSelect)
    rectify_working_days = forms.IntegerField(label=gettext_lazy("整改期限（工作日）"), min_value=1, max_value=120,
                                              required=False, widget=forms.NumberInput(attrs={"class": "form-control"}))
    promote_regions = forms.ModelMultipleChoiceField(label=gettext_lazy("推广到"), queryset=Region.objects.none(),
                                                     required=False, widget=forms.CheckboxSelectMultiple)
    evidence = forms.FileField(label=gettext_lazy("佐证材料"), required=False,
                               widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, promote_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["promote_regions"].queryset = promote_choices if promote_choices is not None else Region.objects.none()


class CampaignForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("评估周期"), validators=[period_validator], max_length=20,
                              help_text=gettext_lazy("例如 2026Q4（季度）、2026H2（半年）、2026Y（全年）。"),
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    due_date = forms.DateField(label=gettext_lazy("截止日期"), required=False, validators=[sane_date, not_past],
                               help_text=gettext_lazy("不填则为 20 个工作日后。"),
                               widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))
