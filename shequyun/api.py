"""REST plumbing shared by every app: pagination, error mapping, the scoped viewset base."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import ISO_8601, exceptions, serializers, status
from rest_framework.fields import SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .audit import AuditEventType, record_event
from .errors import Conflict

#: Object ids in URLs: 1 to 18 digits (always inside a 64-bit integer column).
ID_PATTERN = r"[0-9]{1,18}"


class PortalRouter(SimpleRouter):
    """The one router of every app's API: object ids are ``ID_PATTERN`` unless a viewset names its own pattern
    (regions use their 12-digit code), so a path like ``/users/0.5/`` is an ordinary JSON 404."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if not getattr(viewset, "lookup_value_regex", None):
            viewset.lookup_value_regex = ID_PATTERN
        return super().get_lookup_regex(viewset, lookup_prefix)


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page_size=`` up to ``max_page_size``. A page or page size
    that is not a single positive whole number is a 400 naming it (never silently the default); a page past the
    end is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def _number(self, request: Any, name: str, maximum: int | None = None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or int(values[0]) < 1:
            raise exceptions.ValidationError({name: ["请填写一个正整数。"]})
        number = int(values[0])
        if maximum is not None and number > maximum:
            raise exceptions.ValidationError({name: [f"不能大于 {maximum}。"]})
        return number

    def get_page_size(self, request: Any) -> int:
        return self._number(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._number(request, self.page_query_param, 10**9)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**9}
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler plus: domain conflicts → 409, Django validation errors → 400 with field messages,
    and every 403 recorded in the audit trail."""
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), **exc.payload}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        # get_object_or_404 says "No Region matches the given query." in English whatever the language, and
        # names the model: one Chinese answer for missing and out of scope alike.
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        exc = exceptions.ParseError(_("请求内容不是有效的 JSON，请检查括号、引号和逗号。"))
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("Multipart form parse error"):
        exc = exceptions.ParseError(_("上传的表单内容无法解析，请检查格式。"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):  # always an object, as the schema says
        response.data = {"non_field_errors": response.data}
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        request = context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            record_event(
                AuditEventType.PERMISSION_DENIED, actor=user, request=request,
                path=request.path, method=request.method,
            )
    return response


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object named by id in a request body, looked up only among what the caller may see: an id outside
    the caller's scope and one that does not exist get the same message (no existence oracle)."""

    default_error_messages = {
        "does_not_exist": "对象 {pk_value} 不存在。",
        "incorrect_type": "请填写对象编号（整数），而不是 {data_type}。",
    }

    def __init__(self, model: Any = None, **kwargs: Any) -> None:
        self.scoped_model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.scoped_model._default_manager.visible_to(user)


#: (model field, language) → {value: label}: the labels of a choice field, translated once per language.
_LABELS: dict[tuple[Any, str | None], dict[Any, str]] = {}


class DisplayField(serializers.CharField):
    """The label of a model field's choice (``"online"`` → ``"运行中"``), read only. Same output as
    ``CharField(source="get_status_display")`` but looked up in a table translated once per language, instead of
    calling the model method (and resolving a lazy translation) on every row: ``DisplayField(source="status")``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.model_field = parent.Meta.model._meta.get_field(self.source)

    def to_representation(self, value: Any) -> str:
        return self._labels().get(value, value)

    def _labels(self) -> dict[Any, str]:
        key = (self.model_field, get_language())
        labels = _LABELS.get(key)
        if labels is None:
            labels = _LABELS[key] = {choice: str(label) for choice, label in self.model_field.flatchoices}
        return labels

    def request_converter(self) -> Any:
        """For a read plan: the labels of the request's language, looked up once per page."""
        labels = self._labels()
        return lambda value: labels.get(value, value)


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField (ISO 8601 in the active time zone, the only output format configured), with a read-plan
    converter that looks the time zone up once per page instead of once per value."""

    def request_converter(self) -> Any:
        if getattr(self, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
            return None
        zone = self.timezone if hasattr(self, "timezone") else self.default_timezone()
        if zone is None:
            return None
        fallback = self.to_representation

        def convert(value: Any) -> Any:
            if type(value) is not dt.datetime or value.tzinfo is None:
                return fallback(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return fallback(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return convert


#: Field classes whose output for a non-null model value is a builtin conversion (DRF's own ``to_representation``
#: of these is ``str(value)``, ``int(value)``, ``float(value)`` and, for a bool, the bool itself).
_BUILTIN_OUTPUT: dict[type, Any] = {
    serializers.CharField: str, serializers.IntegerField: int, serializers.FloatField: float,
    serializers.BooleanField: bool,
}


#: Unbound fields of each model serializer class, built once (``PortalModelSerializer.get_fields``).
_FIELD_PROTOTYPES: dict[type, dict[str, Any]] = {}


class PortalModelSerializer(serializers.ModelSerializer):
    """The base of every model serializer: the same output as DRF's, computed from a *read plan* made once per
    serializer instance (once per page: a list reuses its child) instead of re-deciding per row and field, and
    the fields themselves built from the model once per class instead of once per instance.

    For a field whose source is one concrete column of the model, the plan reads the attribute directly (DRF's
    generic ``get_attribute`` walks a source path, checks for mappings and callables and catches lookups, on every
    row) and, for the plain text / number / boolean fields, converts with the builtin DRF itself would use. Every
    other field (nested serializers, relations, method fields, dotted sources) takes DRF's own path unchanged.
    ``tests/test_api_read_plan.py`` checks that every serializer's output equals DRF's."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: DateTimeField}

    def get_fields(self) -> dict[str, Any]:
        # DRF builds a model serializer's fields from the model's metadata for every instance; the result depends
        # on the class alone (no serializer here overrides get_fields), so it is built once per class and copied,
        # as DRF copies declared fields, for each instance.
        prototypes = _FIELD_PROTOTYPES.get(type(self))
        if prototypes is None:
            prototypes = _FIELD_PROTOTYPES[type(self)] = super().get_fields()
        return copy.deepcopy(prototypes)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = self.__dict__.get("_read_plan")
        if plan is None:
            plan = self.__dict__["_read_plan"] = self._make_read_plan()
        if type(instance) is not self.Meta.model:  # a subclass, a proxy or a dict: DRF's path
            return super().to_representation(instance)
        ret: dict[str, Any] = {}
        for name, attname, field, convert in plan:
            if attname is not None:
                value = getattr(instance, attname)
            else:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if (value.pk if isinstance(value, PKOnlyObject) else value) is None:
                    ret[name] = None
                    continue
            ret[name] = None if value is None else convert(value)
        return ret

    def _make_read_plan(self) -> list[tuple[str, str | None, Any, Any]]:
        columns = {f.name: f.attname for f in self.Meta.model._meta.concrete_fields if not f.is_relation}
        plan = []
        for field in self.fields.values():
            if field.write_only:
                continue
            attrs = field.source_attrs
            attname = columns.get(attrs[0]) if len(attrs) == 1 else None
            convert = _BUILTIN_OUTPUT.get(type(field)) if attname is not None else None
            if convert is None and hasattr(field, "request_converter"):
                convert = field.request_converter()
            plan.append((field.field_name, attname, field, convert or field.to_representation))
        return plan


class ScopedQuerysetMixin:
    """For DRF viewsets: the queryset is always ``visible_to(request.user)``, so out-of-scope objects are 404."""

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[misc]
