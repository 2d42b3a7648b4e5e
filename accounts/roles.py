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
