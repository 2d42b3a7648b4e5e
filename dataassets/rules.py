"""The catalogue rules, each written once and called from the models' ``clean()`` (so the service's
``full_clean`` applies them to the browser form and the API alike):

* 003 Art. 27 — a resource listed as 授权共享 or 不予共享 states its reason and its legal basis;
* 003 Art. 30 — data involving personal information (privacy) or commercial secrets is 非开放;
* 002 Art. 22 — an information item of a character type has a length; a personal-information item has a masking
  rule.

Each function returns ``{field: [messages]}`` (empty when the values are acceptable).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

NEEDS_JUSTIFICATION = {"authorised", "not_shared"}
NEEDS_LENGTH = {"string"}


def sharing_errors(sharing_type: str, reason: str, legal_basis: str) -> dict[str, list[str]]:
    if sharing_type not in NEEDS_JUSTIFICATION:
        return {}
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["sharing_reason"] = [_("授权共享或不予共享的数据资源须说明理由。")]
    if not (legal_basis or "").strip():
        errors["legal_basis"] = [_("授权共享或不予共享的数据资源须提供法律、法规、规章依据。")]
    return errors


def open_type_errors(open_type: str, personal_info: bool, commercial_secret: bool) -> dict[str, list[str]]:
    if (personal_info or commercial_secret) and open_type != "non_open":
        return {"open_type": [_("涉及个人信息或商业秘密的数据资源只能列为非开放。")]}
    return {}


def item_errors(data_type: str, length: int | None, personal_info: bool, masking_rule: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data_type in NEEDS_LENGTH and not length:
        errors["length"] = [_("字符型信息项须填写数据长度。")]
    if personal_info and not masking_rule:
        errors["masking_rule"] = [_("个人信息项须指定脱敏规则。")]
    return errors
