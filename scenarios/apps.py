from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("应用场景")

    def ready(self) -> None:
        from shequyun.signals import calendar_changed

        from .services import deadlines_recheck

        calendar_changed.connect(lambda sender, dates, **kwargs: deadlines_recheck(changed_dates=dates), weak=False,
                                 dispatch_uid="scenarios_deadlines_recheck")
