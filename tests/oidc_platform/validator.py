"""The claims the test platform issues: each person's platform identifier as ``sub`` (not the platform's row id),
and the ``amr``/``acr`` of how they signed in, from PLATFORM_PEOPLE (see harness.py)."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

PEOPLE = json.loads(os.environ.get("PLATFORM_PEOPLE", "{}"))


class PlatformValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid", "acr": "openid"}

    def get_claim_dict(self, request):  # type: ignore[no-untyped-def]
        person = PEOPLE.get(request.user.username, {})
        claims = {"sub": person.get("sub") or str(request.user.pk), "name": person.get("name", "")}
        for claim in ("amr", "acr"):
            if person.get(claim):
                claims[claim] = person[claim]
        return claims
