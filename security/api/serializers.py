"""Serializers of the security API. Output serializers say exactly what is returned (the OpenAPI schema is
checked against responses); input serializers validate shapes, the services validate meaning (400 naming the field)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin
from security.models import (
    Assessment,
    ConfidentialityAgreement,
    Drill,
    DrillStatus,
    EmergencyPlan,
    Grade,
    Importance,
    Incident,
    IncidentEvent,
    IncidentKind,
    IncidentStatus,
    Loss,
    PlanStatus,
    PlanTeamMember,
    PlanVersion,
    ReviewAction,
    SocialImpact,
    Training,
)
from shequyun.api import DisplayField, PortalModelSerializer
from shequyun.validators import not_future, sane_date


def choice(choices: Any, name: str, **kwargs: Any) -> serializers.ChoiceField:
    """A choice field whose enum is its own named schema component (``name``), so that it never collides with another
    app's ``status`` or ``kind`` enum."""
    values = [value for value, _label in choices]
    schema: dict[str, Any] = {"type": "integer" if all(isinstance(v, int) for v in values) else "string",
                              "enum": values,
                              "description": "; ".join(f"{value}: {label}" for value, label in choices)}
    if name not in _CHOICE_CLASSES:
        _CHOICE_CLASSES[name] = extend_schema_field(schema, component_name=name)(
            type(f"{name}Field", (serializers.ChoiceField,), {}))
    return _CHOICE_CLASSES[name](choices=choices, **kwargs)


_CHOICE_CLASSES: dict[str, Any] = {}


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="display_name", read_only=True)


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TimelineSerializer(PortalModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, allow_null=True, default=None)
    from_status = serializers.CharField(read_only=True, help_text="state before a transition; empty for other entries")
    to_status = serializers.CharField(read_only=True, help_text="state after a transition; empty for other entries")

    class Meta:
        model = IncidentEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "extra", "created_at"]
        read_only_fields = fields


class SecurityReviewActionSerializer(PortalModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = ReviewAction
        fields = ["id", "description", "owner", "deadline"]
        read_only_fields = fields


class IncidentSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="responsible region code")
    reported_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = choice(IncidentKind.choices, "SecurityIncidentKind", read_only=True)
    kind_display = DisplayField(source="kind")
    status = choice(IncidentStatus.choices, "SecurityIncidentStatus", read_only=True)
    status_display = DisplayField(source="status")
    suggested_grade = choice(Grade.choices, "SecurityIncidentGrade", read_only=True)
    grade = serializers.IntegerField(read_only=True, allow_null=True, min_value=1, max_value=4,
                                     help_text="confirmed grade 1-4 (I-IV), null until a security officer confirms")
    category = CategoryRefSerializer(read_only=True)
    subcategory = CategoryRefSerializer(read_only=True, allow_null=True)
    effective_grade = serializers.IntegerField(read_only=True)
    effective_grade_display = serializers.CharField(source="get_effective_grade_display", read_only=True)
    scenario = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    scenario_name = serializers.CharField(source="scenario.name", read_only=True, allow_null=True, default=None)
    reported_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Incident
        list_serializer_class = PathNamesListSerializer
        fields = [
            "id", "kind", "kind_display", "title", "status", "status_display", "region", "region_name", "region_path",
            "reported_region", "scenario", "scenario_name", "category", "subcategory", "started_at", "detected_at",
            "personal_info_leak", "public_opinion", "suggested_grade", "grade", "effective_grade",
            "effective_grade_display", "is_drill", "ack_due_at", "ack_due_provisional", "acknowledged_at",
            "resolved_at", "reported_by", "created_at",
        ]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    importance = choice(Importance.choices, "SecurityImportance", read_only=True)
    loss = choice(Loss.choices, "SecurityLoss", read_only=True)
    social_impact = choice(SocialImpact.choices, "SecuritySocialImpact", read_only=True)
    unit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    lead_department = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    grade_confirmed_by = UserRefSerializer(read_only=True, allow_null=True)
    activated_plan = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    drill = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    timeline = TimelineSerializer(source="events", many=True, read_only=True)
    review_actions = SecurityReviewActionSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "description", "unit", "lead_department", "importance", "loss",
                  "social_impact", "grade_reason", "grade_confirmed_by", "grade_confirmed_at", "drill",
                  "contained_at", "reviewed_at", "reached_depth", "resolution_note", "review_causes",
                  "activated_plan", "timeline", "review_actions", "available_actions"]
        read_only_fields = fields

    def get_available_actions(self, obj: Incident) -> list[str]:
        from security.services.incidents import WORKFLOW

        request = self.context.get("request")
        return [t.action for t in WORKFLOW.available_actions(obj, request.user)] if request else []


class IncidentReportSerializer(serializers.Serializer):
    kind = choice(IncidentKind.choices, "SecurityIncidentKind", default=IncidentKind.INCIDENT)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    scenario = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    unit = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    region = RegionCodeField(required=False, allow_null=True)
    lead_department = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    category = serializers.CharField(max_length=20, help_text="GB/T 20986-2023 category code, e.g. DS")
    subcategory = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True,
                                        help_text="subcategory code, e.g. DSDATALEAK")
    started_at = serializers.DateTimeField()
    detected_at = serializers.DateTimeField()
    personal_info_leak = serializers.BooleanField(required=False, default=False)
    public_opinion = serializers.BooleanField(required=False, default=False)
    importance = choice(Importance.choices, "SecurityImportance")
    loss = choice(Loss.choices, "SecurityLoss")
    social_impact = choice(SocialImpact.choices, "SecuritySocialImpact")
    drill = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class SecurityCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AcknowledgeSerializer(SecurityCommentSerializer):
    grade = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4,
                                     help_text="grade 1-4 (I-IV) to confirm or change the suggestion")
    grade_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class GradeSerializer(serializers.Serializer):
    grade = choice(Grade.choices, "SecurityIncidentGrade")
    grade_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ResolveSerializer(serializers.Serializer):
    resolution_note = serializers.CharField(max_length=10000, allow_blank=True)


class ReviewActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    owner = serializers.IntegerField(min_value=1)
    deadline = serializers.DateField(validators=[sane_date])


class ReviewSerializer(serializers.Serializer):
    causes = serializers.CharField(max_length=10000, allow_blank=True)
    actions = ReviewActionInputSerializer(many=True, allow_empty=True)


class ActivatePlanSerializer(serializers.Serializer):
    plan_version = serializers.IntegerField(min_value=1)


class DisconnectSerializer(serializers.Serializer):
    scope = choice([("scenario", "the affected scenario"), ("unit", "every online scenario of the affected unit")],
                   "SecurityDisconnectScope", default="scenario")
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ReconnectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, allow_blank=True)


class ScenarioRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


# --- Plans ------------------------------------------------------------------------------------------------------

class TeamMemberSerializer(PortalModelSerializer):
    user = UserRefSerializer(read_only=True)
    contact = serializers.CharField(source="contact_masked", read_only=True, help_text="masked phone")

    class Meta:
        model = PlanTeamMember
        fields = ["user", "duty", "contact"]
        read_only_fields = fields


class PlanVersionSerializer(PortalModelSerializer):
    status = choice(PlanStatus.choices, "SecurityPlanStatus", read_only=True)
    status_display = DisplayField(source="status")
    team = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "status", "status_display", "organisation", "responsibilities", "procedure_1",
                  "procedure_2", "procedure_3", "procedure_4", "change_note", "revision_due", "review_due",
                  "created_at", "approved_at", "activated_at", "superseded_at", "team"]
        read_only_fields = fields


class PlanSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    versions = PlanVersionSerializer(many=True, read_only=True)

    class Meta:
        model = EmergencyPlan
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "title", "region", "region_name", "region_path", "created_at", "versions"]
        read_only_fields = fields


class TeamInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    duty = serializers.CharField(max_length=200)
    contact = serializers.CharField(max_length=30, required=False, allow_blank=True)


class PlanContentSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    responsibilities = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    procedure_1 = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    procedure_2 = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    procedure_3 = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    procedure_4 = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    team = TeamInputSerializer(many=True, required=False)


class PlanCreateSerializer(PlanContentSerializer):
    title = serializers.CharField(max_length=200)
    region = RegionCodeField(required=False)


class PlanUpdateSerializer(PlanContentSerializer):
    title = serializers.CharField(max_length=200, required=False)


class SecurityRevisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    working_days = serializers.IntegerField(min_value=1, max_value=120, default=20)


class DiffLineSerializer(serializers.Serializer):
    op = choice([("add", "added"), ("del", "removed"), ("same", "unchanged")], "SecurityDiffOp")
    text = serializers.CharField()


class DiffSectionSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    lines = DiffLineSerializer(many=True)


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(help_text="version number")
    new = serializers.IntegerField(help_text="version number")
    sections = DiffSectionSerializer(many=True)


# --- Drills and training ----------------------------------------------------------------------------------------

class DrillSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = choice(DrillStatus.choices, "SecurityDrillStatus", read_only=True)
    status_display = DisplayField(source="status")
    plan = serializers.IntegerField(source="plan_version.plan_id", read_only=True)
    plan_version_number = serializers.IntegerField(source="plan_version.number", read_only=True)
    scenario = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    participants = UserRefSerializer(many=True, read_only=True)

    class Meta:
        model = Drill
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "title", "region", "region_name", "region_path", "status", "status_display", "plan",
                  "plan_version", "plan_version_number", "scenario", "planned_on", "held_on", "participants",
                  "findings", "revision_required", "created_at"]
        read_only_fields = fields


class DrillCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    region = RegionCodeField(required=False)
    plan_version = serializers.IntegerField(min_value=1)
    scenario = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    planned_on = serializers.DateField(validators=[sane_date])
    participants = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class DrillCompleteSerializer(serializers.Serializer):
    held_on = serializers.DateField(validators=[sane_date])
    findings = serializers.CharField(max_length=10000, allow_blank=True)
    revision_required = serializers.BooleanField(default=False)
    revision_working_days = serializers.IntegerField(min_value=1, max_value=120, default=20)
    participants = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class SecurityTrainingSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    participants = UserRefSerializer(many=True, read_only=True)

    class Meta:
        model = Training
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "topic", "region", "region_name", "region_path", "held_on", "participants", "materials",
                  "created_at"]
        read_only_fields = fields


class TrainingCreateSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200)
    region = RegionCodeField(required=False)
    held_on = serializers.DateField(validators=[sane_date])
    participants = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=True)
    materials = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SecurityCoverageSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="region code")
    label = serializers.CharField()
    total = serializers.IntegerField()
    trained = serializers.IntegerField()
    rate = serializers.FloatField(help_text="percent")


# --- Assessments and agreements -------------------------------------------------------------------------------

class AssessmentSerializer(PortalModelSerializer):
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    region = serializers.CharField(source="scenario.region.code", read_only=True)
    region_name = serializers.CharField(source="scenario.region.name", read_only=True)
    protection_level = serializers.IntegerField(read_only=True, allow_null=True, min_value=1, max_value=4,
                                                help_text="等保 level 1-4, null when not graded")
    protection_level_display = serializers.SerializerMethodField()
    crypto_required = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "scenario", "scenario_name", "region", "region_name", "protection_level",
                  "protection_level_display", "tested_on", "next_due_on", "crypto_required", "crypto_assessed_on",
                  "crypto_next_due_on", "note", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_protection_level_display(self, obj: Assessment) -> str | None:
        return obj.get_protection_level_display() if obj.protection_level else None


class AssessmentWriteSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(min_value=1, required=False)
    protection_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4,
                                                help_text="等保 level 1-4, null when not graded")
    tested_on = serializers.DateField(validators=[sane_date, not_future], required=False, allow_null=True)
    next_due_on = serializers.DateField(validators=[sane_date], required=False, allow_null=True)
    crypto_assessed_on = serializers.DateField(validators=[sane_date, not_future], required=False, allow_null=True)
    crypto_next_due_on = serializers.DateField(validators=[sane_date], required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AgreementSerializer(PortalModelSerializer):
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    region = serializers.CharField(source="scenario.region.code", read_only=True)

    class Meta:
        model = ConfidentialityAgreement
        fields = ["id", "scenario", "scenario_name", "region", "vendor_name", "vendor_credit_code", "signatory",
                  "signed_on", "expires_on", "note", "created_at"]
        read_only_fields = fields


class AgreementWriteSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(min_value=1, required=False)
    vendor_name = serializers.CharField(max_length=200, required=False)
    vendor_credit_code = serializers.CharField(max_length=18, required=False)
    signatory = serializers.CharField(max_length=50, required=False)
    signed_on = serializers.DateField(validators=[sane_date], required=False)
    expires_on = serializers.DateField(validators=[sane_date], required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


def values(data: Any, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in dict(data).items() if k not in drop}
