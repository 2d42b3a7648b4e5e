from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("组织与账号")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import signals  # noqa: F401  (anomaly detection receivers)
        from .models import Region
        from .selectors import region_directory_changed

        # Whatever path writes a region (admin, services, fixtures), every process re-reads the names.
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: region_directory_changed(), sender=Region, weak=False,
                           dispatch_uid=f"region_directory_{signal is post_save}")
