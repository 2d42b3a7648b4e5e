"""The catalogue for other systems: watermarked xlsx (``shequyun/exports.py``) and DCAT-style JSON-LD
(W3C DCAT 2: ``dcat:Catalog`` of ``dcat:Dataset``; frequency from the Dublin Core frequency vocabulary, access
rights from the EU access-right vocabulary). Both are built from the same query the catalogue page shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from shequyun.audit import AuditEventType, record_event
from shequyun.exports import xlsx_response

from .models import Resource

FREQ = "http://purl.org/cld/freq/"
ACCRUAL = {"realtime": f"{FREQ}continuous", "daily": f"{FREQ}daily", "weekly": f"{FREQ}weekly",
           "monthly": f"{FREQ}monthly", "quarterly": f"{FREQ}quarterly", "yearly": f"{FREQ}annual",
           "irregular": f"{FREQ}irregular"}
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS = {"unconditional": f"{ACCESS}PUBLIC", "conditional": f"{ACCESS}RESTRICTED",
                 "non_open": f"{ACCESS}NON_PUBLIC"}
MEDIA = {"database": "application/sql", "spreadsheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "file": "application/octet-stream", "api": "application/json", "other": "application/octet-stream"}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sqy": "https://shequyun.sh.gov.cn/ns/dataassets#",
}
XLSX_HEADERS = ["资源代码", "资源名称", "提供单位", "所属区域", "目录", "资源格式", "归集方式", "归集频率", "更新频度",
                "共享类型", "共享方式", "理由", "依据", "开放类型", "数据分级", "含个人信息", "信息项数", "版本", "发布日期",
                "数据更新日期"]


def xlsx_rows(resources: Iterable[Resource]) -> Iterable[list[Any]]:
    for r in resources:
        yield [r.code, r.name, r.provider.name, r.region.name, r.get_catalogue_display(), r.get_data_format_display(),
               r.get_collection_method_display(), r.get_collection_frequency_display(), r.get_update_frequency_display(),
               r.get_sharing_type_display(), r.get_sharing_method_display(), r.sharing_reason, r.legal_basis,
               r.get_open_type_display(), r.get_grade_display(), "是" if r.contains_personal_info else "否",
               getattr(r, "item_count", 0), r.version,
               timezone.localdate(r.published_at).isoformat() if r.published_at else "",
               r.data_updated_on.isoformat() if r.data_updated_on else ""]


def catalogue_xlsx(*, request: HttpRequest, resources: Iterable[Resource]) -> HttpResponse:
    return xlsx_response(request=request, filename="数据资源目录.xlsx", title="数据资源目录", headers=XLSX_HEADERS,
                         rows=xlsx_rows(resources), export="dataassets-catalogue")


def dataset(resource: Resource, base_url: str) -> dict[str, Any]:
    return {
        "@id": f"{base_url}/dataassets/{resource.pk}/",
        "@type": "dcat:Dataset",
        "dct:identifier": resource.code,
        "dct:title": resource.name,
        "dct:description": resource.description,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": resource.provider.name},
        "dct:spatial": {"@id": f"{base_url}/api/v1/regions/{resource.region.code}/", "dct:title": resource.region.name},
        "dct:accrualPeriodicity": {"@id": ACCRUAL[resource.update_frequency]},
        "dct:accessRights": {"@id": ACCESS_RIGHTS[resource.open_type]},
        "dct:issued": {"@value": timezone.localdate(resource.published_at).isoformat(), "@type": "xsd:date"}
        if resource.published_at else None,
        "dct:modified": {"@value": resource.data_updated_on.isoformat(), "@type": "xsd:date"}
        if resource.data_updated_on else None,
        "dcat:version": str(resource.version),
        "dcat:distribution": [{"@type": "dcat:Distribution", "dcat:mediaType": MEDIA[resource.data_format],
                               "dct:format": resource.get_data_format_display()}],
        "sqy:sharingType": resource.sharing_type,
        "sqy:catalogue": resource.catalogue,
        "sqy:grade": resource.grade,
        "sqy:containsPersonalInformation": resource.contains_personal_info,
    }


def dcat_catalogue(resources: Iterable[Resource], base_url: str) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "dcat:Catalog", "dct:title": "上海社区云数据资源目录",
            "dct:modified": timezone.localdate().isoformat(),
            "dcat:dataset": [dataset(r, base_url) for r in resources]}


def dcat_response(*, request: HttpRequest, resources: Iterable[Resource]) -> JsonResponse:
    rows = list(resources)
    body = dcat_catalogue(rows, request.build_absolute_uri("/").rstrip("/"))
    record_event(AuditEventType.EXPORT, actor=request.user, request=request, title="数据资源目录 JSON-LD",
                 rows=len(rows), export="dataassets-dcat")
    return JsonResponse(body, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})


#: The JSON schema of the JSON-LD answer, for the OpenAPI document.
DCAT_SCHEMA = {
    "type": "object",
    "required": ["@context", "@type", "dcat:dataset"],
    "properties": {
        "@context": {"type": "object", "additionalProperties": {"type": "string"}},
        "@type": {"type": "string", "enum": ["dcat:Catalog"]},
        "dct:title": {"type": "string"},
        "dct:modified": {"type": "string", "format": "date"},
        "dcat:dataset": {"type": "array", "items": {
            "type": "object",
            "required": ["@id", "@type", "dct:identifier", "dct:title", "dct:accrualPeriodicity", "dct:accessRights"],
            "properties": {
                "@id": {"type": "string"}, "@type": {"type": "string", "enum": ["dcat:Dataset"]},
                "dct:identifier": {"type": "string"}, "dct:title": {"type": "string"},
                "dct:description": {"type": "string"},
                "dct:publisher": {"type": "object"}, "dct:spatial": {"type": "object"},
                "dct:accrualPeriodicity": {"type": "object", "properties": {"@id": {"type": "string"}}},
                "dct:accessRights": {"type": "object", "properties": {"@id": {"type": "string"}}},
                "dct:issued": {"type": "object", "nullable": True}, "dct:modified": {"type": "object", "nullable": True},
                "dcat:version": {"type": "string"}, "dcat:distribution": {"type": "array", "items": {"type": "object"}},
                "sqy:sharingType": {"type": "string"}, "sqy:catalogue": {"type": "string"},
                "sqy:grade": {"type": "string"}, "sqy:containsPersonalInformation": {"type": "boolean"},
            },
        }},
    },
}
