"""Serializers of the content API. Regions are their 12-digit codes with names added (DESIGN §10); nothing
personal beyond the display names of the people who acted."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin
from accounts.models import RegionLevel
from shequyun.api import DisplayField, PortalModelSerializer

from ..models import (
    Check,
    ContentItem,
    Feedback,
    FeedbackEvent,
    FeedbackKind,
    ItemEvent,
    ItemRevision,
    Kind,
    ReviewChain,
    StepName,
    TrainingFile,
    TrainingMaterial,
)
from ..permissions import REVIEW_ROLES


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


class ItemEventSerializer(PortalModelSerializer):
    actor = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ItemEvent
        fields = ["action", "from_status", "to_status", "step", "step_name", "actor", "comment", "checks", "revision",
                  "created_at"]
        read_only_fields = fields

    def get_actor(self, obj: ItemEvent) -> str | None:
        return _name(obj.actor) if obj.actor_id else None


class ContentAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    media = serializers.CharField()
    extension = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ContentItemSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    audience = serializers.SlugRelatedField(slug_field="code", read_only=True)
    audience_name = serializers.CharField(source="audience.name", read_only=True)
    kind_display = DisplayField(source="kind")
    status_display = DisplayField(source="status")
    current_step_name = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    source_url = serializers.CharField(read_only=True, help_text="原文链接（非转载时为空）")

    class Meta:
        model = ContentItem
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "kind", "kind_display", "title", "status", "status_display", "region", "region_name",
                  "region_path", "audience", "audience_name", "publish_at", "is_time_bound", "expire_at", "is_reprint",
                  "source_name", "source_url", "authorisation", "step_count", "current_step", "current_step_name",
                  "revision_number", "published_at", "created_by", "created_at", "updated_at"]
        read_only_fields = fields

    def get_current_step_name(self, obj: ContentItem) -> str | None:
        if not obj.current_step or obj.review_round_id is None:
            return None
        return obj.review_round.step(obj.current_step)["name"]


class ContentItemDetailSerializer(ContentItemSerializer):
    history = ItemEventSerializer(source="events", many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(ContentItemSerializer.Meta):
        fields = [*ContentItemSerializer.Meta.fields, "body", "flagged_words", "attachments", "history", "available_actions"]
        read_only_fields = fields

    @extend_schema_field(ContentAttachmentSerializer(many=True))
    def get_attachments(self, obj: ContentItem) -> list[dict[str, Any]]:
        latest = obj.revisions.order_by("-number").first()
        return list(latest.attachments) if latest else []

    def get_available_actions(self, obj: ContentItem) -> list[str]:
        from ..services import workflow_for
        from ..transitions import API_ACTIONS

        request = self.context.get("request")
        if request is None:
            return []
        return [t.action for t in workflow_for(obj).available_actions(obj, request.user) if t.action in API_ACTIONS]


class ContentItemWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    audience = RegionCodeField(required=False)
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    is_time_bound = serializers.BooleanField(required=False)
    expire_at = serializers.DateTimeField(required=False, allow_null=True)
    is_reprint = serializers.BooleanField(required=False)
    source_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    authorisation = serializers.CharField(required=False, allow_blank=True, max_length=300)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    remove = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=100)


class ContentCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReviewActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    checks = serializers.ListField(child=serializers.ChoiceField(choices=Check.choices), required=False, max_length=4)
    step = serializers.IntegerField(required=False, min_value=1, max_value=3,
                                    help_text="The step the reviewer acts on; 409 if the item has moved on.")


class RevisionSerializer(PortalModelSerializer):
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    attachments = ContentAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ItemRevision
        fields = ["number", "title", "body", "attachments", "fields", "created_by", "created_at"]
        read_only_fields = fields


class RevisionDiffLineSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete", "replace"])
    html = serializers.CharField()


class RevisionFieldChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class RevisionDiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField(allow_null=True)
    to_revision = serializers.IntegerField()
    title = serializers.CharField()
    title_changed = serializers.BooleanField()
    body = RevisionDiffLineSerializer(many=True)
    body_changed = serializers.BooleanField()
    attachments_added = ContentAttachmentSerializer(many=True)
    attachments_removed = ContentAttachmentSerializer(many=True)
    fields = RevisionFieldChangeSerializer(many=True)


# --- Chains ---------------------------------------------------------------------------------------------------

class ReviewStepSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    name = serializers.ChoiceField(choices=StepName.choices)
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in REVIEW_ROLES])
    level = serializers.ChoiceField(choices=RegionLevel.choices)


class ReviewChainSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    steps = ReviewStepSerializer(many=True, read_only=True)
    updated_by = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()

    class Meta:
        model = ReviewChain
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "region", "region_name", "region_path", "steps", "updated_by", "updated_at", "editable"]
        read_only_fields = fields

    def get_updated_by(self, obj: ReviewChain) -> str | None:
        return _name(obj.updated_by) if obj.updated_by_id else None

    def get_editable(self, obj: ReviewChain) -> bool:
        from ..permissions import may_configure_chain

        request = self.context.get("request")
        return bool(request) and may_configure_chain(request.user, obj.region)


class ReviewChainWriteSerializer(serializers.Serializer):
    region = RegionCodeField(required=False, help_text="Defaults to the caller's own region.")
    steps = ReviewStepSerializer(many=True)


# --- Training -------------------------------------------------------------------------------------------------

class TrainingFileSerializer(PortalModelSerializer):
    class Meta:
        model = TrainingFile
        fields = ["id", "name", "media", "extension", "size"]
        read_only_fields = fields


class TrainingSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    file_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingMaterial
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "title", "feature", "region", "region_name", "region_path", "created_by", "created_at",
                  "is_read", "file_count"]
        read_only_fields = fields


class TrainingDetailSerializer(TrainingSerializer):
    files = TrainingFileSerializer(many=True, read_only=True)

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "body", "files"]
        read_only_fields = fields


class TrainingWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    feature = serializers.CharField(required=False, allow_blank=True, max_length=100)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class ReadReceiptSerializer(serializers.Serializer):
    material = serializers.IntegerField(source="material_id")
    read_at = serializers.DateTimeField()


class CoveragePersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")


class CoverageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    unread = serializers.IntegerField()
    rate = serializers.IntegerField(help_text="Per cent of the audience who have read it.")
    non_readers = CoveragePersonSerializer(many=True, help_text="The first 200 who have not read it.")


class TrainingRemindedSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


# --- Feedback -------------------------------------------------------------------------------------------------

class FeedbackEventSerializer(PortalModelSerializer):
    actor = serializers.SerializerMethodField()
    from_region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    to_region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FeedbackEvent
        fields = ["action", "from_status", "to_status", "from_region", "to_region", "actor", "comment", "created_at"]
        read_only_fields = fields

    def get_actor(self, obj: FeedbackEvent) -> str | None:
        return _name(obj.actor) if obj.actor_id else None


class FeedbackSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handler_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handler_region_name = serializers.CharField(source="handler_region.name", read_only=True)
    handler_level = serializers.CharField(source="handler_region.level", read_only=True)
    raised_by = serializers.CharField(source="raised_by.display_name", read_only=True)
    answered_by = serializers.SerializerMethodField()
    status_display = DisplayField(source="status")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        list_serializer_class = PathNamesListSerializer
        fields = ["id", "kind", "title", "body", "status", "status_display", "region", "region_name", "region_path",
                  "raised_by", "handler_region", "handler_region_name", "handler_level", "due_date",
                  "due_provisional", "overdue", "escalations", "answer", "answered_by", "answered_at", "created_at"]
        read_only_fields = fields

    def get_answered_by(self, obj: Feedback) -> str | None:
        return _name(obj.answered_by) if obj.answered_by_id else None

    def get_overdue(self, obj: Feedback) -> bool:
        from django.utils import timezone

        return obj.status == "open" and obj.due_date < timezone.localdate()


class FeedbackDetailSerializer(FeedbackSerializer):
    history = FeedbackEventSerializer(source="events", many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "history", "available_actions"]
        read_only_fields = fields

    def get_available_actions(self, obj: Feedback) -> list[str]:
        from ..services.feedback import WORKFLOW
        from ..transitions import FEEDBACK_API_ACTIONS

        request = self.context.get("request")
        if request is None:
            return []
        return [t.action for t in WORKFLOW.available_actions(obj, request.user) if t.action in FEEDBACK_API_ACTIONS]


class FeedbackWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10_000)


class FeedbackLevelCountSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    open = serializers.IntegerField()
    answered = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    total = serializers.IntegerField()
