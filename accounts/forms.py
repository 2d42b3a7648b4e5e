from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from shequyun.validators import PASSWORD, check_households_population

from .models import FontScale


class SignInForm(AuthenticationForm):
    error_messages = {
        # One message for a wrong password, an unknown user, a disabled or a locked account: nothing leaks.
        "invalid_login": _("用户名或密码错误，请重新输入。连续多次失败后账号将被暂时锁定。"),
        "inactive": _("用户名或密码错误，请重新输入。连续多次失败后账号将被暂时锁定。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["password"].max_length = PASSWORD
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD))
        self.fields["username"].widget.attrs.update({"class": "form-control form-control-lg", "autocomplete": "username"})
        # No autofocus: keyboard and screen-reader users start at the skip link like on every other page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget.attrs.update(
            {"class": "form-control form-control-lg", "autocomplete": "current-password"}
        )


class FontScaleForm(forms.Form):
    font_scale = forms.TypedChoiceField(label=_("字号"), choices=FontScale.choices, coerce=int)


from django.contrib.auth import password_validation  # noqa: E402

from .models import Organisation, Region  # noqa: E402
from .roles import Role  # noqa: E402

INPUT = {"class": "form-control"}


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("当前密码"), max_length=PASSWORD, widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "current-password"}))
    new_password = forms.CharField(
        label=_("新密码"), max_length=PASSWORD, widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password", "aria-describedby": "password-rules"}),
    )
    new_password2 = forms.CharField(label=_("再次输入新密码"), max_length=PASSWORD, widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data

    @staticmethod
    def rules() -> list[str]:
        return password_validation.password_validators_help_texts()


class AnomalyReportForm(forms.Form):
    description = forms.CharField(
        label=_("异常情况说明"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={**INPUT, "rows": 5}),
        help_text=_("例如：收到不是本人操作的登录提醒、密码可能泄露、账号信息有误。"),
    )


def region_choices(regions) -> list[tuple[str, str]]:
    return [(r.code, f"{r.name}（{r.code}）") for r in regions]


class AccountForm(forms.Form):
    """Create or edit an account. The region and role choices are limited to what the admin may manage."""

    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}))
    full_name = forms.CharField(label=_("姓名"), max_length=100, widget=forms.TextInput(attrs=INPUT))
    region = forms.ChoiceField(label=_("所属区域"), widget=forms.Select(attrs={"class": "form-select"}))
    organisation = forms.ModelChoiceField(
        label=_("所属组织"), queryset=Organisation.objects.none(), required=False,
        widget=forms.Select(attrs={"class": "form-select"}), help_text=_("居/村账号可不选，自动归入该居/村委会。"),
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, initial=[Role.STAFF.value], widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False, widget=forms.EmailInput(attrs=INPUT))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, widget=forms.TextInput(attrs={**INPUT, "inputmode": "numeric"}))
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False, widget=forms.TextInput(attrs=INPUT))
    platform_id = forms.CharField(
        label=_("统一身份标识"), max_length=255, required=False, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}),
        help_text=_("本人在统一身份认证平台的身份标识。关联后本人可用「统一身份认证登录」；留空则不关联。"),
    )

    def __init__(self, *args, regions=(), organisations=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = region_choices(regions)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()
        if editing:
            for name in ("username", "region", "roles"):
                del self.fields[name]
            # Personal data is never sent back to the browser in clear: the current value is shown masked and
            # an empty field keeps it; a separate box clears it.
            current = kwargs.get("initial") or {}
            for name, label in (("phone", _("手机号")), ("id_number", _("身份证号"))):
                masked = current.get(f"masked_{name}") or ""
                self.fields[name].help_text = (_("当前：%(value)s。留空则不修改。") % {"value": masked} if masked
                                               else _("当前未填写。"))
                self.fields[f"clear_{name}"] = forms.BooleanField(
                    label=_("清除%(label)s") % {"label": label}, required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"]
        if code not in self.regions:
            raise forms.ValidationError(_("请选择您管理的区域。"))
        return self.regions[code]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False, widget=forms.TextInput(attrs=INPUT))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("账号表格（xlsx 或 csv）"), widget=forms.ClearableFileInput(attrs={**INPUT, "accept": ".xlsx,.csv"}),
        help_text=_("列：用户名、姓名、区划代码、手机号、身份证号、电子邮箱、角色（可空，默认工作人员）、统一身份标识（可空）。最多 10,000 行，5 MB。"),
    )


class PopulationForm(forms.Form):
    households = forms.IntegerField(label=_("登记户数"), min_value=0, max_value=30_000_000, required=False,
                                    widget=forms.NumberInput(attrs=INPUT))
    population = forms.IntegerField(label=_("常住人口"), min_value=0, max_value=30_000_000, required=False,
                                    widget=forms.NumberInput(attrs=INPUT))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        try:
            check_households_population(data.get("households"), data.get("population"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "inputmode": "numeric",
                                      "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
        help_text=_("身份验证器应用中显示的 6 位数字。"),
    )
