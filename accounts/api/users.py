"""REST: /api/v1/accounts/users/ and /api/v1/auth/password/ — thin views over accounts/account_services.py."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import account_services as svc
from accounts.models import Organisation, User
from accounts.permissions import manageable_accounts_filter
from accounts.roles import Role
from shequyun.api import ScopedPrimaryKeyRelatedField, ScopedQuerysetMixin
from shequyun.crypto import mask
from shequyun.filters import PortalFilterSet, RegionSubtreeFilter, StrictBooleanFilter

from .fields import PathNamesListSerializer, RegionCodeField, RegionNamingMixin


class UserListSerializer(PathNamesListSerializer):
    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["locked"] = svc.locked_usernames(u.username for u in items)
        return super().to_representation(items)


class UserSerializer(RegionNamingMixin, serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_blank=True, help_text="电子邮箱（可为空）")
    roles = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    password_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_locked = serializers.SerializerMethodField()

    class Meta:
        model = User
        list_serializer_class = UserListSerializer
        fields = [
            "id", "username", "full_name", "region", "region_name", "region_path", "organisation", "roles", "email",
            "phone", "id_number", "is_active", "is_locked", "must_change_password", "password_expires_at", "last_login",
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
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, style={"input_type": "password"})


class UserUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=100, required=False)
    organisation = ScopedPrimaryKeyRelatedField(Organisation, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)


class RolesSerializer(serializers.Serializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class UserFilter(PortalFilterSet):
    region = django_filters.CharFilter(field_name="region__code")
    within = RegionSubtreeFilter()
    role = django_filters.ChoiceFilter(field_name="groups__name", choices=Role.choices)
    manageable = StrictBooleanFilter(method="filter_manageable", label="only accounts I manage")

    class Meta:
        model = User
        fields = ["region", "is_active", "must_change_password", "role"]

    def filter_manageable(self, queryset, name, value):  # type: ignore[no-untyped-def]
        # EXISTS, not a join + DISTINCT over every user column: the rule's joins (groups, parent region) stay in a
        # correlated subquery, so the page and its COUNT read each account once.
        managed = Exists(User._base_manager.filter(manageable_accounts_filter(self.request.user), pk=OuterRef("pk")))
        return queryset.filter(managed) if value else queryset.exclude(managed)


@extend_schema(tags=["accounts"])
class UserViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Accounts in the caller's subtree. Writes follow the tiered rule: 403 for a visible account that is not yours
    to manage, 404 outside your subtree."""

    queryset = User.objects.select_related("region", "organisation").prefetch_related("groups").order_by("username")
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["username", "full_name"]
    ordering_fields = ["username", "full_name", "last_login", "date_joined"]

    def _out(self, user: User, code: int = status.HTTP_200_OK, **extra: Any) -> Response:
        user = self.get_queryset().get(pk=user.pk)
        return Response({**UserSerializer(user, context=self.get_serializer_context()).data, **extra}, status=code)

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        user, initial = svc.user_create(actor=request.user, **{
            **fields, "roles": fields.get("roles") or [Role.STAFF.value], "password": fields.get("password") or None,
        })
        extra = {"initial_password": initial} if initial else {}
        return self._out(user, status.HTTP_201_CREATED, **extra)

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        data = UserUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        svc.user_update(actor=request.user, user=user, **data.validated_data)
        return self._out(user)

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str | None = None) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(svc.user_disable(actor=request.user, user=self.get_object(), **data.validated_data))

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str | None = None) -> Response:
        return self._out(svc.user_enable(actor=request.user, user=self.get_object()))

    @extend_schema(request=None, responses={200: inline_serializer("ResetPassword", {"password": serializers.CharField()})})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, pk: str | None = None) -> Response:
        return Response({"password": svc.user_reset_password(actor=request.user, user=self.get_object())})

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        svc.user_unlock(actor=request.user, user=user)
        return self._out(user)

    @extend_schema(request=RolesSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def roles(self, request: Request, pk: str | None = None) -> Response:
        data = RolesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(svc.user_assign_roles(actor=request.user, user=self.get_object(), **data.validated_data))


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(style={"input_type": "password"})
    new_password = serializers.CharField(style={"input_type": "password"})


@extend_schema(tags=["auth"], request=PasswordChangeSerializer, responses={200: None})
class PasswordChangeView(APIView):
    """Change one's own password. The only call a token allows while its password must be changed."""

    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        svc.password_change(user=request.user, request=request, **data.validated_data)
        return Response({"detail": "密码已修改。"})
