"""All forms of the data-assets pages. They check shapes only; the rules live in the models and services, whose
ValidationErrors come back onto the form field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shequyun.validators import max_length_of, sane_date

from .models import (
    Catalogue,
    CollectionMethod,
    DataFormat,
    DataType,
    Decision,
    Frequency,
    Grade,
    MaskingRule,
    ObjectionKind,
    OpenType,
    Resource,
    SharingMethod,
    SharingType,
)

INPUT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
CHECK = {"class": "form-check-input"}


def _select(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.Select(attrs=SELECT), **kwargs)


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("资源名称"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    code = forms.CharField(label=_("资源代码"), max_length=40, widget=forms.TextInput(attrs=INPUT),
                           help_text=_("本区域内唯一，如 DM-JM-001。"))
    catalogue = _select(_("目录"), Catalogue.choices, help_text=_("区补充目录由区数据主管部门审核；全市目录由市数据主管部门审核。"))
    description = forms.CharField(label=_("资源摘要"), required=False, max_length=max_length_of(Resource, "description"),
                                  widget=forms.Textarea(attrs=AREA))
    data_format = _select(_("资源格式"), DataFormat.choices)
    collection_method = _select(_("归集方式"), CollectionMethod.choices)
    collection_frequency = _select(_("归集频率"), Frequency.choices)
    update_frequency = _select(_("更新频度"), Frequency.choices)
    sharing_type = _select(_("共享类型"), SharingType.choices)
    sharing_reason = forms.CharField(label=_("不予共享或授权共享理由"), required=False,
                                     max_length=max_length_of(Resource, "sharing_reason"), widget=forms.Textarea(attrs=AREA),
                                     help_text=_("授权共享、不予共享必填。"))
    legal_basis = forms.CharField(label=_("法律法规规章依据"), required=False,
                                  max_length=max_length_of(Resource, "legal_basis"), widget=forms.Textarea(attrs=AREA),
                                  help_text=_("授权共享、不予共享必填（上海市公共数据和一网通办管理办法第二十七条）。"))
    sharing_method = _select(_("共享方式"), SharingMethod.choices)
    open_type = _select(_("开放类型"), OpenType.choices,
                        help_text=_("涉及个人信息或商业秘密的，只能列为非开放（第三十条）。"))
    grade = _select(_("数据分级"), Grade.choices)
    contains_personal_info = forms.BooleanField(label=_("含个人信息"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    contains_commercial_secret = forms.BooleanField(label=_("含商业秘密"), required=False, widget=forms.CheckboxInput(attrs=CHECK))


class ItemForm(forms.Form):
    table_name = forms.CharField(label=_("表名"), max_length=64, widget=forms.TextInput(attrs=INPUT))
    field_name = forms.CharField(label=_("字段名"), max_length=64, widget=forms.TextInput(attrs=INPUT))
    label = forms.CharField(label=_("中文名称"), max_length=100, widget=forms.TextInput(attrs=INPUT))
    data_type = _select(_("数据类型"), DataType.choices)
    length = forms.IntegerField(label=_("数据长度"), required=False, min_value=1, widget=forms.NumberInput(attrs=INPUT))
    is_primary_key = forms.BooleanField(label=_("主键"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    is_timestamp = forms.BooleanField(label=_("时间戳"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    personal_info = forms.BooleanField(label=_("个人信息"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    masking_rule = forms.ChoiceField(label=_("脱敏规则"), required=False, choices=MaskingRule.choices,
                                     widget=forms.Select(attrs=SELECT))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("信息项表格（xlsx 或 csv）"),
                           help_text=_("列：表名、字段名、中文名称、数据类型、数据长度、主键、时间戳、个人信息、脱敏规则。"),
                           widget=forms.ClearableFileInput(attrs={**INPUT, "accept": ".xlsx,.csv"}))
    commit = forms.BooleanField(label=_("检查无误后直接导入"), required=False, widget=forms.CheckboxInput(attrs=CHECK))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class ReportUpdateForm(forms.Form):
    updated_on = forms.DateField(validators=[sane_date], label=_("数据更新日期"), required=False, widget=forms.DateInput(attrs=DATE))


class ObjectionForm(forms.Form):
    kind = _select(_("异议类型"), ObjectionKind.choices)
    description = forms.CharField(label=_("异议内容"), max_length=4000, widget=forms.Textarea(attrs=AREA))
    objector_name = forms.CharField(label=_("异议提出人"), required=False, max_length=100,
                                    widget=forms.TextInput(attrs=INPUT),
                                    help_text=_("代居民提出时填写居民姓名；留空则为本单位。"))


class TransferForm(forms.Form):
    responsible_org = forms.TypedChoiceField(label=_("责任部门"), coerce=int, choices=(),
                                             widget=forms.Select(attrs=SELECT))
    comment = forms.CharField(label=_("转交说明"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 2}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].choices = [("", "—"), *[(o.pk, f"{o.name}（{o.region.name}）") for o in targets]]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理决定"), choices=Decision.choices, widget=forms.RadioSelect)
    result = forms.CharField(label=_("处理结果（告知异议提出人）"), max_length=4000, widget=forms.Textarea(attrs=AREA))


class SharingForm(forms.Form):
    scenario = forms.TypedChoiceField(label=_("应用场景（运行中）"), coerce=int, choices=(),
                                      widget=forms.Select(attrs=SELECT))
    purpose = forms.CharField(label=_("用途"), max_length=2000, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args, scenarios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", "—"), *[(s.pk, s.name) for s in scenarios]]


class ApproveForm(forms.Form):
    expires_on = forms.DateField(validators=[sane_date], label=_("授权截止日期"), widget=forms.DateInput(attrs=DATE))
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class QuarterForm(forms.Form):
    quarter = forms.RegexField(label=_("季度"), regex=r"^\d{4}Q[1-4]$", required=False, max_length=6,
                               widget=forms.TextInput(attrs={**INPUT, "placeholder": "2026Q4"}))
