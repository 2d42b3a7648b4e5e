"""The OpenAPI document tells the truth about errors (DESIGN §10), written once for every operation.

drf-spectacular documents the successful responses from the serializers; :func:`add_error_responses` (a
postprocessing hook) adds the answers every operation can give, with their bodies:

* 400 — field messages — where the operation takes query parameters or a request body;
* 401 — not signed in — everywhere except the token endpoint;
* 403 — signed in but not allowed (the role, the tiered rule, a pending second factor or password change);
* 404 — outside the caller's scope or missing (the same answer) — where the path names an object, and on lists
  for a page number past the end;
* 405 — a method the object does not accept in its state — on writes;
* 409 — an illegal or stale workflow transition — on workflow actions and updates of workflow objects;
* 429 — throttled — on the token endpoint.
"""

from __future__ import annotations

import re
from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for errors about the whole request; otherwise one list of messages per field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "输入有误：按字段列出的错误信息",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作，或须先完成双因素认证/修改密码",
    "404": "对象不存在或不在您的管辖范围内",
    "405": "不允许的方法",
    "409": "当前状态不允许此操作（或已被他人处理）",
    "429": "请求过于频繁",
}
_ACTION = re.compile(r"/\{[^}]+\}/[a-z-]+/$")


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = {"403"}
            if path != "/api/v1/auth/token/":
                codes.add("401")
            else:
                codes.add("429")
            if operation.get("parameters") or operation.get("requestBody") or method in {"post", "put", "patch"}:
                codes.add("400")
            if "{" in path or method == "get":
                codes.add("404")
            if method in {"post", "put", "patch", "delete"}:
                codes.add("405")
                if _ACTION.search(path) or method in {"patch", "put"}:
                    codes.add("409")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"description": DESCRIPTIONS[code],
                                             "content": {"application/json": {"schema": ref}}})
    return result
