from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Status

INPUT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}


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
    developer_phone = forms.CharField(label=_("开发单位联系电话"), max_length=30, widget=forms.TextInput(attrs=INPUT))
    has_public_opinion = forms.BooleanField(label=_("具有舆论属性或社会动员能力"), required=False,
                                            help_text=_("如是，须提交用户行为管理方案。"))
    function_summary = forms.CharField(label=_("功能概述"), required=False, widget=forms.Textarea(attrs={
        **AREA, "hx-get": "/scenarios/similar/", "hx-trigger": "keyup changed delay:800ms", "hx-target": "#similar",
        "hx-include": "#id_name"}))
    operating_mechanism = forms.CharField(label=_("运行机制"), required=False, widget=forms.Textarea(attrs=AREA))
    integration_needs = forms.CharField(label=_("技术对接需求"), required=False, widget=forms.Textarea(attrs=AREA))
    developer_info = forms.CharField(label=_("开发单位情况"), required=False, widget=forms.Textarea(attrs=AREA))
    behaviour_plan = forms.CharField(label=_("用户行为管理方案"), required=False, widget=forms.Textarea(attrs=AREA))
    risk_report = forms.FileField(label=_("安全风险评估报告"), required=False,
                                  help_text=_("PDF 或 Word，不超过 20 MB。已上传的报告不重新选择则保留。"),
                                  widget=forms.ClearableFileInput(attrs={**INPUT, "accept": ".pdf,.doc,.docx"}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class InventoryFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或功能"), required=False, widget=forms.TextInput(attrs=INPUT))
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部")), ("city", _("市")), ("district", _("区")),
                                                                       ("street", _("街道/乡镇")), ("village", _("居/村"))],
                              widget=forms.Select(attrs={"class": "form-select"}))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *Category.choices],
                                 widget=forms.Select(attrs={"class": "form-select"}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices],
                               widget=forms.Select(attrs={"class": "form-select"}))
    developer = forms.CharField(label=_("开发单位"), required=False, widget=forms.TextInput(attrs=INPUT))
    region = forms.CharField(label=_("区划代码"), required=False, max_length=12, widget=forms.TextInput(attrs=INPUT))
