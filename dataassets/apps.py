from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataassetsConfig(AppConfig):
    name = "dataassets"
    verbose_name = _("数据资源")

    def ready(self) -> None:
        from shequyun.signals import calendar_changed

        from .services import clocks_recheck

        calendar_changed.connect(lambda sender, dates, **kwargs: clocks_recheck(changed_dates=dates), weak=False,
                                 dispatch_uid="dataassets_clocks_recheck")
