"""The OpenAPI document says what the API answers (issue 9.7), checked on the schema itself so a new endpoint
cannot reintroduce the classes schemathesis found: blank values under a format, nulls under a non-null type,
plain lists under a paginated schema."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

APPS = ("accounts", "scenarios", "content", "security", "dataassets")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _serializers():
    for app in APPS:
        module = importlib.import_module(f"{app}.api.serializers")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, serializers.ModelSerializer) and value.__module__ == \
                    module.__name__:
                yield value


def _columns():
    """(serializer, field name, field, model column) for every serializer field backed by a model column."""
    for serializer_class in _serializers():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            source = field.source or name
            if "." in source or source == "*":
                continue
            try:
                column = model._meta.get_field(source)
            except FieldDoesNotExist:
                continue
            yield f"{serializer_class.__module__}.{serializer_class.__name__}.{name}", field, column


def test_blank_model_values_are_not_promised_a_format():
    """A URL or e-mail column that may be blank answers ``""``, which is neither a ``uri`` nor an ``email``."""
    offenders = [where for where, field, column in _columns()
                 if field.read_only and isinstance(field, serializers.URLField | serializers.EmailField)
                 and isinstance(column, models.Field) and column.blank]
    assert not offenders, f"declare these as CharField(read_only=True): {offenders}"


def test_nullable_relations_are_nullable_in_the_schema():
    offenders = [where for where, field, column in _columns()
                 if isinstance(field, serializers.RelatedField) and not field.allow_null
                 and getattr(column, "null", False)]
    assert not offenders, f"these may be null: allow_null=True: {offenders}"


def test_only_list_routes_answer_a_paginated_page(schema):
    """An action on one object (``/{id}/revisions/``) or any POST answering a ``Paginated*`` schema returns a
    plain list in fact: give the action ``pagination_class=None``."""
    offenders = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                ref = str(response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", ""))
                if "/Paginated" not in ref:
                    continue
                if method != "get" or path.rstrip("/").endswith("}") or "}/" in path:
                    offenders.append(f"{method.upper()} {path} {status}")
    assert not offenders, offenders
