from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("组织与账号")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (anomaly detection receivers)
