from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from accounts.gate import blocks, gate_message, pending_step, session_channel


class PortalGate(BasePermission):
    """The sign-in gate (accounts/gate.py) for API calls: a session must have passed the second factor; a token was
    issued with it; while a password must be changed only ``POST /api/v1/auth/password/`` answers."""

    message = ""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # IsAuthenticated answers 401
        by_token = isinstance(request.successful_authenticator, TokenAuthentication)
        verified, local_password = (True, True) if by_token else session_channel(request._request, user)
        step = pending_step(user, verified=verified, local_password=local_password)
        match = request._request.resolver_match
        if step is None or not blocks(step, match.view_name if match is not None else ""):
            return True
        self.message = gate_message(step)
        return False
