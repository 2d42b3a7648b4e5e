from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import FontScale


class SignInForm(AuthenticationForm):
    error_messages = {
        # One message for a wrong password, an unknown user, a disabled or a locked account: nothing leaks.
        "invalid_login": _("用户名或密码错误，请重新输入。连续多次失败后账号将被暂时锁定。"),
        "inactive": _("用户名或密码错误，请重新输入。连续多次失败后账号将被暂时锁定。"),
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"class": "form-control form-control-lg", "autocomplete": "username"})
        # No autofocus: keyboard and screen-reader users start at the skip link like on every other page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget.attrs.update(
            {"class": "form-control form-control-lg", "autocomplete": "current-password"}
        )


class FontScaleForm(forms.Form):
    font_scale = forms.TypedChoiceField(label=_("字号"), choices=FontScale.choices, coerce=int)
