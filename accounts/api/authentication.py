from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.services.accounts import lockouts


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing the tokens of a locked account while the lock lasts (an attacker who
    locked it cannot be told apart from its owner). One query: the token, its account with the region and the
    organisation (as a session's account comes, ``UserManager``: every request needs the region for its scope), and
    whether a lockout is in force."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = (model.objects.select_related("user__region", "user__organisation")
                     .annotate(locked=Exists(lockouts().filter(username=OuterRef("user__username"))))
                     .get(key=key))
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.locked:
            raise exceptions.AuthenticationFailed("账号因多次登录失败已被临时锁定，请稍后再试或联系账号管理员解锁。")
        return user, token
