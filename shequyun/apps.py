from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShequyunConfig(AppConfig):
    name = "shequyun"
    verbose_name = _("平台公共")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the sign-in / sign-out / failure receivers)
