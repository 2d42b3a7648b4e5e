from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Organisation, Region
from shequyun.api import DisplayField

from .fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin


class RegionSerializer(RegionNamingMixin, serializers.ModelSerializer):
    region_attr = None
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # the city has none
    level_display = DisplayField(source="level")

    class Meta:
        model = Region
        list_serializer_class = PathNamesListSerializer
        fields = [
            "code", "name", "level", "level_display", "parent", "depth", "is_placeholder",
            "households", "population", "region_name", "region_path",
        ]
        read_only_fields = fields


class RegionDetailSerializer(RegionSerializer):
    descendant_counts = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "descendant_counts", "children"]
        read_only_fields = fields

    def get_descendant_counts(self, obj: Region) -> dict[str, int]:
        return Region.objects.descendant_counts(obj)

    def get_children(self, obj: Region) -> list[dict[str, Any]]:
        counts = Region.objects.child_counts(obj)
        return [
            {"code": child.code, "name": child.name, "level": child.level, "descendant_counts": counts.get(child.path, {})}
            for child in obj.children.order_by("code")
        ]


class OrganisationSerializer(RegionNamingMixin, serializers.ModelSerializer):
    region = RegionCodeField()
    kind_display = DisplayField(source="kind")

    class Meta:
        model = Organisation
        list_serializer_class = PathNamesListSerializer
        fields = [
            "id", "name", "kind", "kind_display", "region", "region_name", "region_path",
            "unified_social_credit_code", "contact_name", "contact_phone", "is_active",
        ]
        read_only_fields = fields
