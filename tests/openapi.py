"""Check that an API answer matches the response schema the OpenAPI document declares for it (what schemathesis
checks), with jsonschema: OpenAPI 3.0's ``nullable`` is rewritten to JSON Schema and ``$ref`` resolves within the
generated document."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jsonschema


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in ("nullable", "readOnly", "writeOnly", "example")}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def _operation(path: str, method: str) -> dict[str, Any]:
    for template, item in sorted(document()["paths"].items(), key=lambda kv: kv[0].count("{")):
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def assert_conforms(response: Any, method: str = "get") -> None:
    path = response.request["PATH_INFO"]
    operation = _operation(path, method)
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{method.upper()} {path}: status {response.status_code} not declared"
    if response.status_code == 204:
        return
    content_type = response["Content-Type"].split(";")[0]
    media = declared.get("content", {})
    assert content_type in media, f"{path}: {content_type} not among {list(media)}"
    schema = {**_convert(media[content_type]["schema"]), "components": _convert(document().get("components", {}))}
    jsonschema.validate(json.loads(response.content), schema)
