from rest_framework.permissions import BasePermission


class PasswordIsCurrent(BasePermission):
    """A token or session whose password must be changed may only call POST /api/v1/auth/password/."""

    message = "必须先修改密码：请调用 POST /api/v1/auth/password/（old_password, new_password）。"

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # IsAuthenticated answers 401
        return not (user.must_change_password or user.password_expired)
