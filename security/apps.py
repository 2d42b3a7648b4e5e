from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("安全管理")

    def ready(self) -> None:
        from scenarios.services.scenarios import RECONNECT_GUARDS

        from .services.incidents import refuse_reconnect_while_uncontained

        if refuse_reconnect_while_uncontained not in RECONNECT_GUARDS:
            RECONNECT_GUARDS.append(refuse_reconnect_while_uncontained)
