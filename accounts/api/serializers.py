from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Organisation, Region, User
from accounts.roles import Role
from accounts.services import accounts as svc
from shequyun.api import DisplayField, PortalModelSerializer, ScopedPrimaryKeyRelatedField
from shequyun.crypto import mask
from shequyun.validators import PASSWORD, max_length_of

from .fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin


class RegionSerializer(RegionNamingMixin, PortalModelSerializer):
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


class OrganisationSerializer(RegionNamingMixin, PortalModelSerializer):
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


class UserListSerializer(PathNamesListSerializer):
    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["locked"] = svc.locked_usernames(u.username for u in items)
        return super().to_representation(items)


class UserSerializer(RegionNamingMixin, PortalModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_blank=True, help_text="电子邮箱（可为空）")
    roles = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    password_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_locked = serializers.SerializerMethodField()
    platform_id = serializers.CharField(read_only=True, allow_null=True, help_text="统一身份标识（未关联时为 null）")

    class Meta:
        model = User
        list_serializer_class = UserListSerializer
        fields = [
            "id", "username", "full_name", "region", "region_name", "region_path", "organisation", "roles", "email",
            "phone", "id_number", "is_active", "is_locked", "must_change_password", "password_expires_at", "last_login",
            "platform_id",
        ]
        read_only_fields = fields

    def _is_owner(self, obj: User) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.pk == obj.pk

    def get_roles(self, obj: User) -> list[str]:
        return obj.role_slugs

    def get_phone(self, obj: User) -> str:
        return obj.phone if self._is_owner(obj) else mask(obj.phone)

    def get_id_number(self, obj: User) -> str:
        return obj.id_number if self._is_owner(obj) else mask(obj.id_number)

    def get_is_locked(self, obj: User) -> bool:
        locked = self.context.get("locked")
        if locked is None:
            locked = svc.locked_usernames([obj.username])
        return obj.username in locked


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=100)
    region = RegionCodeField()
    organisation = ScopedPrimaryKeyRelatedField(Organisation, required=False, allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=max_length_of(User, "email"))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=PASSWORD, style={"input_type": "password"})
    platform_id = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                        help_text="统一身份标识：关联后本人可通过统一身份认证登录")


class UserUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=100, required=False)
    organisation = ScopedPrimaryKeyRelatedField(Organisation, required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=max_length_of(User, "email"))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    platform_id = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                        help_text="统一身份标识；空字符串解除关联")


class RolesSerializer(serializers.Serializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=PASSWORD, style={"input_type": "password"})
    new_password = serializers.CharField(max_length=PASSWORD, style={"input_type": "password"})
