from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.api.fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin
from scenarios.models import Application, Category, Scenario, ScenarioEvent
from shequyun.api import DisplayField, PortalModelSerializer
from shequyun.validators import max_length_of, phone_validator


class EventSerializer(PortalModelSerializer):
    actor = serializers.CharField(source="actor.display_name")

    class Meta:
        model = ScenarioEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "extra", "created_at"]


class ScopeRegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ApplicationScopeMixin(serializers.Serializer):
    """应用范围: the owning region, then the regions the scenario was promoted to (``Scenario.application_scope``;
    the querysets prefetch ``scope_regions``, so a page costs one query for it)."""

    application_scope = ScopeRegionSerializer(many=True, read_only=True,
                                              help_text="应用范围：建设区域及推广到的区域（区划代码和名称）")


class ScenarioSerializer(ApplicationScopeMixin, RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_display = DisplayField(source="category")
    status_display = DisplayField(source="status")
    building_unit = serializers.CharField(source="building_unit.name", read_only=True)
    developer = serializers.SerializerMethodField()
    protection_level = serializers.IntegerField(source="assessment.protection_level", read_only=True, allow_null=True,
                                                help_text="等保级别 (security.Assessment)")
    protection_tested_on = serializers.DateField(source="assessment.tested_on", read_only=True, allow_null=True)

    class Meta:
        model = Scenario
        list_serializer_class = PathNamesListSerializer
        fields = [
            "id", "name", "category", "category_display", "status", "status_display", "region", "region_name",
            "region_path", "building_unit", "responsible_person", "developer", "has_public_opinion", "protection_level",
            "protection_tested_on", "merged_into", "application_scope",
            "rectify_deadline", "online_since", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_developer(self, obj: Scenario) -> dict[str, str]:
        return {"name": obj.developer_name, "credit_code": obj.developer_credit_code,
                "contact": obj.developer_contact, "phone": obj.developer_phone}


class ScenarioDetailSerializer(ScenarioSerializer):
    history = EventSerializer(source="events", many=True, read_only=True)
    scope_regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "scope_regions", "history", "available_actions"]
        read_only_fields = fields

    def get_available_actions(self, obj: Scenario) -> list[str]:
        from scenarios.services import WORKFLOW

        request = self.context.get("request")
        return [t.action.replace("_", "-") for t in WORKFLOW.available_actions(obj, request.user)] if request else []


class PublicScenarioSerializer(ApplicationScopeMixin, RegionNamingMixin, PortalModelSerializer):
    """The published inventory: online scenarios, no personal data."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_display = DisplayField(source="category")
    building_unit = serializers.CharField(source="building_unit.name", read_only=True)

    class Meta:
        model = Scenario
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "name", "category", "category_display", "region", "region_name", "region_path",
                  "building_unit", "developer_name", "application_scope", "online_since"]
        read_only_fields = fields


class ScenarioWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    region = RegionCodeField(required=False)
    responsible_person = serializers.CharField(max_length=50)
    developer_name = serializers.CharField(max_length=200)
    developer_credit_code = serializers.CharField(max_length=18)
    developer_contact = serializers.CharField(max_length=50)
    developer_phone = serializers.CharField(max_length=30, validators=[phone_validator])
    has_public_opinion = serializers.BooleanField(required=False, default=False)
    function_summary = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "function_summary"))
    operating_mechanism = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "operating_mechanism"))
    integration_needs = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "integration_needs"))
    developer_info = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "developer_info"))
    behaviour_plan = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "behaviour_plan"))


class ApplicationSerializer(PortalModelSerializer):
    """An application with its scenario; the region names of a whole page in one query (PathNamesListSerializer)."""

    scenario = ScenarioSerializer(read_only=True)
    status = serializers.CharField(source="scenario.status", read_only=True)
    risk_report = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Application
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "scenario", "status", "function_summary", "operating_mechanism", "integration_needs",
                  "developer_info", "behaviour_plan", "risk_report", "submitted_at", "decided_at", "missing"]
        read_only_fields = fields

    def regions_of(self, items: list[Application]) -> list[Any]:
        return [item.scenario.region for item in items]

    def get_risk_report(self, obj: Application) -> dict[str, Any] | None:
        if not obj.risk_report:
            return None
        return {"name": obj.risk_report_name, "type": obj.risk_report_type,
                "url": f"/api/v1/scenarios/applications/{obj.pk}/report/"}

    def get_missing(self, obj: Application) -> dict[str, list[str]]:
        from scenarios.services import application_missing

        return application_missing(obj.scenario, application=obj) if obj.scenario.status == "draft" else {}


class ApplicationWriteSerializer(serializers.Serializer):
    function_summary = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "function_summary"))
    operating_mechanism = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "operating_mechanism"))
    integration_needs = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "integration_needs"))
    developer_info = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "developer_info"))
    behaviour_plan = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Application, "behaviour_plan"))
    risk_report = serializers.FileField(required=False)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MergeSerializer(CommentSerializer):
    into = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
