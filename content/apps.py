from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("内容管理")

    def ready(self) -> None:
        from shequyun.signals import calendar_changed

        from .services.feedback import feedback_deadlines_recheck

        calendar_changed.connect(lambda sender, dates, **kwargs: feedback_deadlines_recheck(changed_dates=dates),
                                 weak=False, dispatch_uid="content_feedback_deadlines_recheck")
