from rest_framework import authentication, exceptions

from accounts.services.accounts import user_is_locked


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing the tokens of a locked account while the lock lasts (an attacker who
    locked it cannot be told apart from its owner)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user_is_locked(user):
            raise exceptions.AuthenticationFailed("账号因多次登录失败已被临时锁定，请稍后再试或联系账号管理员解锁。")
        return user, token
