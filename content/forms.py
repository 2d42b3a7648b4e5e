"""All forms of the content module."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, RegionLevel
from accounts.roles import Role

from .models import Check, FeedbackKind, Kind, Severity, StepName

INPUT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SELECT = {"class": "form-select"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs=INPUT))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DateTimeLocalField(forms.DateTimeField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"},
                                                        format=DATETIME_FORMAT))
        super().__init__(*args, **kwargs)


class ItemForm(forms.Form):
    """The collection form (采集): one page for every kind."""

    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    body = forms.CharField(label=_("正文"), required=False, max_length=100_000, widget=forms.Textarea(attrs={
        **AREA, "rows": 10}), help_text=_("可直接输入文字（空行分段），也可使用 &lt;p&gt; &lt;strong&gt; &lt;h2&gt; &lt;ul&gt; &lt;a&gt; 等基本格式；脚本、事件属性和外部图片会被清除。"))
    audience = forms.ModelChoiceField(label=_("发布范围"), queryset=Region.objects.none(), widget=forms.Select(
        attrs=SELECT), help_text=_("所选区域及其下级的工作人员和居民可以看到已发布的内容。"))
    publish_at = DateTimeLocalField(label=_("发布时间"), required=False, help_text=_("留空则审核通过后立即发布。"))
    is_time_bound = forms.BooleanField(label=_("有时效（到期自动下线）"), required=False)
    expire_at = DateTimeLocalField(label=_("下线时间"), required=False)
    is_reprint = forms.BooleanField(label=_("转载内容"), required=False,
                                    help_text=_("转载须注明来源名称、原文链接和转载授权，否则不能提交审核。"))
    source_name = forms.CharField(label=_("来源名称"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT))
    source_url = forms.URLField(label=_("原文链接"), required=False, max_length=500, assume_scheme="https",
                                widget=forms.URLInput(attrs=INPUT))
    authorisation = forms.CharField(label=_("转载授权"), required=False, max_length=300,
                                    widget=forms.TextInput(attrs=INPUT),
                                    help_text=_("授权方式或授权文件编号，如“来源单位书面授权（2026）12号”。"))
    files = MultipleFileField(label=_("上传附件"), required=False, help_text=_(
        "图片（JPG/PNG/GIF/WEBP，≤10 MB，自动去除拍摄位置等信息）、音频（≤50 MB）、视频（≤200 MB）、PDF/Word（≤20 MB）。"
        "按文件内容识别类型，SVG 和可执行文件不接受。"))
    remove = forms.MultipleChoiceField(label=_("删除附件"), required=False, choices=[],
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, user: Any, attachments: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = user.region
        self.fields["audience"].queryset = Region.objects.filter(
            path__startswith=region.path, depth__lte=region.depth + 1).order_by("path")
        self.fields["audience"].initial = region.pk
        if attachments:
            self.fields["remove"].choices = [(str(a.pk), a.name) for a in attachments]
        else:
            del self.fields["remove"]


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class ReviewForm(forms.Form):
    """One review step: the four checks and the comment."""

    checks = forms.MultipleChoiceField(label=_("审核要点（逐项确认）"), required=False, choices=Check.choices,
                                       widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={**AREA, "rows": 3}),
                              help_text=_("退回时必须填写意见。"))
    step = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=3)


LEVEL_CHOICES = [("", "—"), *RegionLevel.choices]


class ChainForm(forms.Form):
    """Up to three steps; leave a row empty to use fewer."""

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accounts.models import LEVEL_DEPTH

        own = LEVEL_DEPTH[RegionLevel(region.level)]
        levels = [("", "—"), *[(lv.value, lv.label) for lv in RegionLevel if LEVEL_DEPTH[lv] <= own]]
        for n in (1, 2, 3):
            self.fields[f"step{n}_name"] = forms.ChoiceField(
                label=_("第%(n)d步 环节") % {"n": n}, required=False, choices=[("", "—"), *StepName.choices],
                widget=forms.Select(attrs=SELECT))
            self.fields[f"step{n}_role"] = forms.ChoiceField(
                label=_("第%(n)d步 审核角色") % {"n": n}, required=False,
                choices=[("", "—"), (Role.REVIEWER.value, Role.REVIEWER.label), (Role.OPERATOR.value, Role.OPERATOR.label)],
                widget=forms.Select(attrs=SELECT))
            self.fields[f"step{n}_level"] = forms.ChoiceField(
                label=_("第%(n)d步 审核层级") % {"n": n}, required=False, choices=levels, widget=forms.Select(attrs=SELECT))

    def steps(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [{"name": data[f"step{n}_name"], "role": data[f"step{n}_role"], "level": data[f"step{n}_level"]}
                for n in (1, 2, 3) if data.get(f"step{n}_name") or data.get(f"step{n}_role") or data.get(f"step{n}_level")]


class WordForm(forms.Form):
    word = forms.CharField(label=_("词语"), max_length=100, widget=forms.TextInput(attrs=INPUT))
    severity = forms.ChoiceField(label=_("处理方式"), choices=Severity.choices, widget=forms.Select(attrs=SELECT))
    note = forms.CharField(label=_("备注"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT))


class ImportWordsForm(forms.Form):
    text = forms.CharField(label=_("批量导入（每行一个词，可写“词语,block”或“词语,flag”）"), max_length=2_000_000,
                           widget=forms.Textarea(attrs={**AREA, "rows": 5}))
    severity = forms.ChoiceField(label=_("默认处理方式"), choices=Severity.choices, widget=forms.Select(attrs=SELECT))


class LexiconSearchForm(forms.Form):
    q = forms.CharField(label=_("查找词语"), required=False, max_length=100, widget=forms.TextInput(attrs=INPUT))
    severity = forms.ChoiceField(label=_("处理方式"), required=False, choices=[("", _("全部")), *Severity.choices],
                                 widget=forms.Select(attrs=SELECT))


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    feature = forms.CharField(label=_("对应功能"), required=False, max_length=100, widget=forms.TextInput(attrs=INPUT))
    body = forms.CharField(label=_("内容"), required=False, max_length=100_000,
                           widget=forms.Textarea(attrs={**AREA, "rows": 8}))
    files = MultipleFileField(label=_("附件"), required=False,
                              help_text=_("PDF/Word、图片、音频或视频，按文件内容识别类型。"))


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=FeedbackKind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    body = forms.CharField(label=_("内容"), max_length=10_000, widget=forms.Textarea(attrs={**AREA, "rows": 6}))
