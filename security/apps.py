from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("安全管理")

    def ready(self) -> None:
        from scenarios.services.scenarios import RECONNECT_GUARDS
        from shequyun.signals import calendar_changed

        from .services.incidents import ack_deadlines_recheck, refuse_reconnect_while_uncontained
        from .services.plans import revision_deadlines_recheck

        if refuse_reconnect_while_uncontained not in RECONNECT_GUARDS:
            RECONNECT_GUARDS.append(refuse_reconnect_while_uncontained)

        def deadlines_recheck(sender, dates, **kwargs) -> int:
            """Deadlines stored in working days are rechecked when the calendar changes (moves are logged)."""
            return ack_deadlines_recheck(changed_dates=dates) + revision_deadlines_recheck(changed_dates=dates)

        calendar_changed.connect(deadlines_recheck, weak=False, dispatch_uid="security_deadlines_recheck")
