from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import PathNamesListSerializer, RegionNamingMixin
from dataassets.models import (
    Catalogue,
    CollectionMethod,
    DataFormat,
    DataType,
    Decision,
    Frequency,
    Grade,
    Item,
    MaskingRule,
    Objection,
    ObjectionEvent,
    ObjectionKind,
    ObjectionStatus,
    OpenType,
    QualityIssue,
    QualityKind,
    QualityStatus,
    Resource,
    ResourceEvent,
    ResourceStatus,
    ResourceVersion,
    SharingMethod,
    SharingRequest,
    SharingStatus,
    SharingType,
)
from shequyun.api import DisplayField, PortalModelSerializer
from shequyun.validators import max_length_of, sane_date


def inline_choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice field named in the OpenAPI document through ``ENUM_NAME_OVERRIDES`` (settings), so the data-assets
    ``status``/``kind``/frequency choice sets never clash with the other apps' fields of the same name."""
    return serializers.ChoiceField(choices=choices, **kwargs)


class DataOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ResourceEventSerializer(PortalModelSerializer):
    actor = serializers.SerializerMethodField()
    from_status = inline_choice(ResourceStatus.choices, read_only=True)
    to_status = inline_choice(ResourceStatus.choices, read_only=True)

    class Meta:
        model = ResourceEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "extra", "created_at"]
        read_only_fields = fields

    def get_actor(self, obj: Any) -> str | None:
        return obj.actor.display_name if obj.actor_id else None


class DataDuplicateSerializer(serializers.Serializer):
    label = serializers.CharField()
    data_type = serializers.CharField()
    resource_id = serializers.IntegerField()
    resource = serializers.CharField()
    provider = serializers.CharField()


class ResourceSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider = DataOrganisationRefSerializer(read_only=True)
    status = inline_choice(ResourceStatus.choices, read_only=True)
    collection_frequency = inline_choice(Frequency.choices, read_only=True)
    update_frequency = inline_choice(Frequency.choices, read_only=True)
    status_display = DisplayField(source="status")
    sharing_type_display = DisplayField(source="sharing_type")
    open_type_display = DisplayField(source="open_type")
    item_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Resource
        list_serializer_class = PathNamesListSerializer
        fields = [
            "id", "name", "code", "catalogue", "region", "region_name", "region_path", "provider", "status",
            "status_display", "description", "data_format", "collection_method", "collection_frequency",
            "update_frequency", "sharing_type", "sharing_type_display", "sharing_reason", "legal_basis",
            "sharing_method", "open_type", "open_type_display", "grade", "contains_personal_info",
            "contains_commercial_secret", "version", "revision_of", "item_count", "data_updated_on", "published_at",
            "submitted_at", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ResourceDetailSerializer(ResourceSerializer):
    history = ResourceEventSerializer(source="events", many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()
    marked = serializers.SerializerMethodField()
    items_visible = serializers.SerializerMethodField()

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "history", "available_actions", "missing", "duplicates", "marked",
                  "items_visible"]
        read_only_fields = fields

    def _user(self) -> Any:
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_available_actions(self, obj: Resource) -> list[str]:
        from dataassets.services import RESOURCE_WORKFLOW

        user = self._user()
        actions = [t.action for t in RESOURCE_WORKFLOW.available_actions(obj, user)] if user else []
        return sorted({"publish" if a == "publish_revision" else a for a in actions})

    def get_missing(self, obj: Resource) -> dict[str, list[str]]:
        from dataassets.services import resource_missing

        return resource_missing(obj) if obj.status == "draft" else {}

    @extend_schema_field(DataDuplicateSerializer(many=True))
    def get_duplicates(self, obj: Resource) -> list[dict[str, Any]]:
        from dataassets.selectors import duplicate_sources

        return duplicate_sources(resource=obj, user=self._user())

    def get_marked(self, obj: Resource) -> bool:
        from dataassets.selectors import open_objection_marks

        return obj.pk in open_objection_marks([obj.pk])

    def get_items_visible(self, obj: Resource) -> bool:
        from dataassets.permissions import may_view_items

        return may_view_items(self._user(), obj)


class ResourceWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=40)
    catalogue = serializers.ChoiceField(choices=Catalogue.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Resource, "description"))
    data_format = serializers.ChoiceField(choices=DataFormat.choices)
    collection_method = serializers.ChoiceField(choices=CollectionMethod.choices)
    collection_frequency = inline_choice(Frequency.choices)
    update_frequency = inline_choice(Frequency.choices)
    sharing_type = serializers.ChoiceField(choices=SharingType.choices)
    sharing_reason = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Resource, "sharing_reason"))
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=max_length_of(Resource, "legal_basis"))
    sharing_method = serializers.ChoiceField(choices=SharingMethod.choices)
    open_type = serializers.ChoiceField(choices=OpenType.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False)
    contains_personal_info = serializers.BooleanField(required=False)
    contains_commercial_secret = serializers.BooleanField(required=False)


class ItemSerializer(PortalModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "resource", "table_name", "field_name", "label", "data_type", "length", "is_primary_key",
                  "is_timestamp", "personal_info", "masking_rule", "position"]
        read_only_fields = fields


class ItemWriteSerializer(serializers.Serializer):
    table_name = serializers.CharField(max_length=64)
    field_name = serializers.CharField(max_length=64)
    label = serializers.CharField(max_length=100)
    data_type = serializers.ChoiceField(choices=DataType.choices)
    length = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    is_primary_key = serializers.BooleanField(required=False, default=False)
    is_timestamp = serializers.BooleanField(required=False, default=False)
    personal_info = serializers.BooleanField(required=False, default=False)
    masking_rule = serializers.ChoiceField(choices=MaskingRule.choices, required=False, allow_blank=True, default="")


class ItemsImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    commit = serializers.BooleanField(required=False, default=False)


class ItemsImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class ItemsImportReportSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    committed = serializers.BooleanField()
    errors = ItemsImportRowErrorSerializer(many=True)


class ResourceVersionSerializer(PortalModelSerializer):
    published_by = serializers.CharField(source="published_by.display_name", read_only=True)

    class Meta:
        model = ResourceVersion
        fields = ["number", "published_at", "published_by", "revision", "diff", "snapshot"]
        read_only_fields = fields


class DataCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DataRequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class ResourceReportUpdateSerializer(serializers.Serializer):
    updated_on = serializers.DateField(validators=[sane_date], required=False, allow_null=True)


class SharingRequestSerializer(PortalModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    requester = serializers.CharField(source="requester.username", read_only=True)
    requester_org = DataOrganisationRefSerializer(read_only=True)
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    status = inline_choice(SharingStatus.choices, read_only=True)
    status_display = DisplayField(source="status")
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = SharingRequest
        fields = ["id", "resource", "resource_name", "requester", "requester_org", "scenario", "scenario_name",
                  "purpose", "status", "status_display", "expires_on", "decided_at", "created_at", "available_actions"]
        read_only_fields = fields

    def get_available_actions(self, obj: SharingRequest) -> list[str]:
        from dataassets.services import SHARING_WORKFLOW

        request = self.context.get("request")
        return [t.action for t in SHARING_WORKFLOW.available_actions(obj, request.user)] if request else []


class SharingRequestWriteSerializer(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1)
    scenario = serializers.IntegerField(min_value=1)
    purpose = serializers.CharField(max_length=2000)


class SharingApproveSerializer(DataCommentSerializer):
    expires_on = serializers.DateField(validators=[sane_date])


class ObjectionEventSerializer(ResourceEventSerializer):
    from_status = inline_choice(ObjectionStatus.choices, read_only=True)
    to_status = inline_choice(ObjectionStatus.choices, read_only=True)

    class Meta(ResourceEventSerializer.Meta):
        model = ObjectionEvent


class ObjectionSerializer(PortalModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    kind = inline_choice(ObjectionKind.choices, read_only=True)
    status = inline_choice(ObjectionStatus.choices, read_only=True)
    status_display = DisplayField(source="status")
    responsible_org = DataOrganisationRefSerializer(read_only=True, allow_null=True)
    objector_org = DataOrganisationRefSerializer(read_only=True)
    current_due = serializers.DateField(read_only=True, allow_null=True)
    decision = inline_choice(Decision.choices, allow_blank=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = ["id", "resource", "resource_name", "kind", "description", "objector_name", "objector_org", "status",
                  "status_display", "received_on", "mark_due", "decide_due", "department_due", "current_due",
                  "provisional_clocks", "overdue", "marked_at", "transferred_on", "responsible_org", "decision",
                  "result", "decided_at", "created_at", "available_actions"]
        read_only_fields = fields

    def get_overdue(self, obj: Objection) -> bool:
        from django.utils import timezone

        due = obj.current_due
        return due is not None and due < timezone.localdate()

    def get_available_actions(self, obj: Objection) -> list[str]:
        from dataassets.services import OBJECTION_WORKFLOW

        request = self.context.get("request")
        return sorted({t.action for t in OBJECTION_WORKFLOW.available_actions(obj, request.user)}) if request else []


class ObjectionDetailSerializer(ObjectionSerializer):
    history = ObjectionEventSerializer(source="events", many=True, read_only=True)

    class Meta(ObjectionSerializer.Meta):
        fields = [*ObjectionSerializer.Meta.fields, "history"]
        read_only_fields = fields


class ObjectionWriteSerializer(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1)
    kind = inline_choice(ObjectionKind.choices)
    description = serializers.CharField(max_length=4000)
    objector_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ObjectionTransferSerializer(DataCommentSerializer):
    responsible_org = serializers.IntegerField(min_value=1)


class ObjectionDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    result = serializers.CharField(max_length=4000)


class QualityIssueSerializer(PortalModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    provider = DataOrganisationRefSerializer(read_only=True)
    kind = inline_choice(QualityKind.choices, read_only=True)
    status = inline_choice(QualityStatus.choices, read_only=True)
    status_display = DisplayField(source="status")
    kind_display = DisplayField(source="kind")

    class Meta:
        model = QualityIssue
        fields = ["id", "resource", "resource_name", "provider", "kind", "kind_display", "detail", "detected_on",
                  "status", "status_display", "resolution", "resolved_at"]
        read_only_fields = fields


class QualityScoreSerializer(serializers.Serializer):
    provider = DataOrganisationRefSerializer()
    quarter = serializers.CharField()
    resources = serializers.IntegerField()
    stale = serializers.IntegerField()
    incomplete = serializers.IntegerField()
    score = serializers.IntegerField()
