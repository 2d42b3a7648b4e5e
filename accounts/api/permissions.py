from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from accounts.gate import blocks, gate_message, pending_step


class PortalGate(BasePermission):
    """The sign-in gate (accounts/gate.py) for API calls: a session must have passed the second factor; a token was
    issued with it; while a password must be changed only ``POST /api/v1/auth/password/`` answers."""

    message = ""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # IsAuthenticated answers 401
        by_token = isinstance(request.successful_authenticator, TokenAuthentication)
        verified = by_token or bool(getattr(user, "is_verified", lambda: False)())
        step = pending_step(user, verified=verified)
        match = request._request.resolver_match
        if step is None or not blocks(step, match.view_name if match is not None else ""):
            return True
        self.message = gate_message(step)
        return False
