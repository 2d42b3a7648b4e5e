"""The new-account form reports every problem in one round (issue 14 §10): the form's own checks (formats, required
fields), the permission (which region and roles this admin may open) and the service's checks (username taken,
phone, ID number, organisation) all land on the form together, so that "N 处问题" counts them all."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from ..services import accounts as svc


def _merge(form: Any, exc: ValidationError, *, only_new: bool) -> None:
    for field, messages in exc.message_dict.items():
        name = field if field in form.fields else None
        if only_new and name is not None and form.has_error(name):
            continue  # the form already says what is wrong with this field
        form.add_error(name, messages)


def create_account(*, actor: Any, form: Any) -> tuple[Any, str | None] | None:
    """Open the account when everything is right; otherwise put every problem on ``form`` and return None."""
    valid = form.is_valid()
    data = form.cleaned_data
    region = data.get("region")
    if region is None:
        return None  # without a region nothing else can be checked (the form says so)
    fields = {
        "username": data.get("username") or form.data.get("username", ""),
        "full_name": data.get("full_name") or form.data.get("full_name", ""),
        "region": region, "organisation": data.get("organisation"),
        "roles": data.get("roles") or (),
        "email": data.get("email") or "", "phone": data.get("phone") or "", "id_number": data.get("id_number") or "",
        "platform_id": data.get("platform_id") or "",
    }
    if not valid:
        try:
            svc.account_prepare(actor=actor, permission_as_error=True, **fields)
        except ValidationError as exc:
            _merge(form, exc, only_new=True)
        return None
    try:
        return svc.user_create(actor=actor, permission_as_error=True, **fields)
    except ValidationError as exc:
        _merge(form, exc, only_new=False)
        return None


def import_done_page(request: Any, credentials: list[tuple[str, str, str]]) -> Any:
    """After a committed import: the result (how many accounts, which), the initial-password sheet to download
    (watermarked, recorded as an export; built once and carried in the page, never stored) and the way on — not
    the same confirm button again."""
    import base64

    from django.shortcuts import render
    from django.utils.cache import add_never_cache_headers

    from shequyun.audit import AuditEventType, record_event
    from shequyun.exports import XLSX_CONTENT_TYPE, build_xlsx

    title = "新开通账号（首次登录须修改密码）"
    content = build_xlsx(title=title, headers=["用户名", "姓名", "初始密码"], rows=credentials, user=request.user)
    record_event(AuditEventType.EXPORT, actor=request.user, request=request, title=title, rows=len(credentials),
                 imported=len(credentials))
    response = render(request, "accounts/manage/import_done.html", {
        "accounts": [{"username": u, "full_name": n} for u, n, _p in credentials],
        "sheet": f"data:{XLSX_CONTENT_TYPE};base64,{base64.b64encode(content).decode()}",
    })
    add_never_cache_headers(response)
    return response
