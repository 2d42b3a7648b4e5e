"""The roles of DESIGN §3. Each is a Django group named by its slug; a user's region scopes what it may touch."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ACCOUNT_ADMIN = "account_admin", _("账号管理员")
    OPERATOR = "operator", _("运营人员")
    REVIEWER = "reviewer", _("审核人员")
    STAFF = "staff", _("工作人员")
    SECURITY_OFFICER = "security_officer", _("安全员")
    AUDITOR = "auditor", _("审计员")
    DATA_STEWARD = "data_steward", _("数据专员")


#: 三员分立 (graded protection): system administration, security administration and audit are separate duties; no
#: account holds two of them. The one rule, used by the browser form, the API, the bulk import and the Django admin.
SEPARATED_DUTIES = (Role.ACCOUNT_ADMIN, Role.SECURITY_OFFICER, Role.AUDITOR)


def duty_conflict(roles: set[str]) -> str | None:
    """Why ``roles`` break the separation of duties (None when they do not)."""
    held = [role for role in SEPARATED_DUTIES if role.value in roles]
    if len(held) < 2:
        return None
    from django.utils.translation import gettext as gettext_now

    return gettext_now("三员分立：%(a)s与%(b)s不能由同一账号担任。") % {"a": held[0].label, "b": held[1].label}
