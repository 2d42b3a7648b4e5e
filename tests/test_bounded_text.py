"""Issue 9 (3): bounded text. Every free-text column has a maximum length that the model (``full_clean``), every
form and every serializer enforce (shequyun/validators.py); what tokenises user text is bounded too. A 100,000-
character 功能概述 is refused on both channels, naming the field, and nothing is created."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models
from rest_framework import serializers

from scenarios.models import Application, Scenario
from scenarios.similarity import MAX_CHARS, MAX_TOKENS, tokenize
from shequyun.crypto import EncryptedTextField
from tests.scenarios.factories import SCENARIO

APPS = ("accounts", "scenarios", "content", "security", "dataassets", "shequyun")

#: Text columns without a length validator, each with the reason it is safe.
UNBOUNDED_COLUMNS = {
    "scenarios.scenario.search_tokens": "derived: tokens of the bounded name and 功能概述, capped by similarity.MAX_TOKENS",
    "security.planteammember.contact_encrypted": "ciphertext of a phone number the form bounds (max_length=30)",
    "shequyun.stagedimport.payload": "ciphertext of an upload already bounded by the file size limits",
}

#: Serializers that only describe responses: nothing is read from the client through them.
RESPONSE_ONLY = {
    "TokenResponseSerializer", "ContentAttachmentSerializer", "CoveragePersonSerializer", "RevisionDiffLineSerializer",
    "RevisionDiffSerializer", "RevisionFieldChangeSerializer", "DataDuplicateSerializer",
    "DataOrganisationRefSerializer", "ItemsImportRowErrorSerializer", "QualityScoreSerializer", "EventSerializer",
    "DiffLineSerializer", "DiffSectionSerializer", "SecurityCoverageSerializer",
}


def _project_models():
    return [m for m in apps.get_models() if m.__module__.split(".")[0] in APPS]


def test_every_text_column_has_a_length_validator():
    missing = []
    for model in _project_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.TextField):
                continue
            label = f"{model._meta.label_lower}.{field.name}"
            if label in UNBOUNDED_COLUMNS or isinstance(field, EncryptedTextField) and not field.editable:
                continue
            limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
            if not limits or field.max_length is None or limits[0] != field.max_length:
                missing.append(label)
    assert not missing, f"TextFields without **bounded(...) (shequyun/validators.py): {missing}"


def test_every_char_column_is_bounded():
    unbounded = [f"{m._meta.label_lower}.{f.name}" for m in _project_models() for f in m._meta.concrete_fields
                 if isinstance(f, models.CharField) and not f.max_length]
    assert not unbounded


def _classes(base):
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in (".migrations", ".management", ".settings", "wsgi", "asgi")):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, base) and obj.__module__.split(".")[0] in APPS:
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_form_text_field_has_a_max_length():
    unbounded = []
    for name, form_class in _classes(forms.BaseForm).items():
        for field_name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                if name.endswith("SignInForm"):  # bounded in __init__, checked below
                    continue
                unbounded.append(f"{name}.{field_name}")
    from accounts.forms import SignInForm

    assert SignInForm().fields["password"].max_length
    assert not unbounded


def test_every_serializer_text_input_has_a_max_length():
    unbounded = []
    for name, serializer_class in _classes(serializers.BaseSerializer).items():
        if issubclass(serializer_class, serializers.ListSerializer) or serializer_class.__name__ in RESPONSE_ONLY:
            continue
        try:
            fields = serializer_class().fields
        except Exception:  # noqa: BLE001, S112 — needs context to build; its model fields are checked above
            continue
        for field_name, field in fields.items():
            if isinstance(field, serializers.CharField) and not field.read_only and field.max_length is None:
                unbounded.append(f"{name}.{field_name}")
    assert not unbounded


def test_model_full_clean_refuses_an_overlong_text():
    from django.core.exceptions import ValidationError

    application = Application(function_summary="长" * 100_000)
    with pytest.raises(ValidationError) as caught:
        application.full_clean(exclude=["scenario"])
    assert "function_summary" in caught.value.message_dict


HUGE = "为社区老人提供助餐服务" * 10_000  # 110,000 characters


@pytest.mark.django_db
def test_100000_characters_on_the_registration_page_is_a_form_error(client, actors):
    client.force_login(actors["applicant"])
    response = client.post("/scenarios/new/", {**SCENARIO, "function_summary": HUGE})
    assert response.status_code == 200
    form = response.context["form"]
    assert "function_summary" in form.errors
    assert not Scenario.objects.exists()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_100000_characters_through_the_api_is_400_naming_the_field(api_client, actors, make_scenario):
    from scenarios.models import Status

    api_client.force_authenticate(actors["applicant"])
    response = api_client.post("/api/v1/scenarios/", {**SCENARIO, "function_summary": HUGE}, format="json")
    assert response.status_code == 400
    assert "function_summary" in response.json()
    assert not Scenario.objects.exists()

    draft = make_scenario(Status.DRAFT)
    response = api_client.patch(f"/api/v1/scenarios/applications/{draft.application.pk}/",
                                {"operating_mechanism": HUGE}, format="json")
    assert response.status_code == 400
    assert "operating_mechanism" in response.json()


def test_tokenising_is_bounded():
    tokens = tokenize("名称", HUGE * 10)
    assert len(tokens) <= MAX_TOKENS
    assert tokenize("", HUGE) == tokenize("", HUGE[:MAX_CHARS])
