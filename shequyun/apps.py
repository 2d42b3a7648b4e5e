from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShequyunConfig(AppConfig):
    name = "shequyun"
    verbose_name = _("平台公共")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from .middleware import session_renewed_at_sign_in

        user_logged_in.connect(session_renewed_at_sign_in, dispatch_uid="session_renewed_at_sign_in")

        from . import audit  # connects the sign-in / sign-out / failure receivers

        audit.install_region_paths()
        audit.install_loaded_values()  # audited saves read no row back
        from .models import WorkdayOverride
        from .workdays import invalidate_overrides

        # Whatever path writes the override table (admin, shell, fixtures), every process re-reads it.
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: invalidate_overrides(), sender=WorkdayOverride, weak=False,
                           dispatch_uid=f"workdays_invalidate_{signal is post_save}")
