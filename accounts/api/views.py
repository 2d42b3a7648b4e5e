"""REST of the accounts app: regions by official code, organisations, accounts (tiered provisioning) and the
token and password endpoints. Thin: every write is one call into accounts/services/."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.filters import OrganisationFilter, RegionFilter, UserFilter
from accounts.gate import Step, gate_message, has_confirmed_device, second_factor_required
from accounts.models import Organisation, Region, User
from accounts.roles import Role
from accounts.services import accounts as svc
from accounts.services import region_update_population
from shequyun.api import ScopedQuerysetMixin
from shequyun.audit import AuditEventType, record_event
from shequyun.validators import PASSWORD, check_households_population

from .serializers import (
    OrganisationSerializer,
    PasswordChangeSerializer,
    ReasonSerializer,
    RegionDetailSerializer,
    RegionSerializer,
    RolesSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, plus the TOTP code for roles that need a second factor (accounts/gate.py)."""

    username = serializers.CharField(label=_("用户名"), max_length=150, write_only=True)
    password = serializers.CharField(label=_("密码"), max_length=PASSWORD, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})
    otp = serializers.CharField(label=_("动态验证码"), required=False, allow_blank=True, max_length=6, write_only=True,
                                help_text=_("账号管理员、安全员等须双因素认证的角色必填：身份验证器中的 6 位数字。"))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if not second_factor_required(user):
            return attrs
        from django_otp import match_token

        if not has_confirmed_device(user):
            raise serializers.ValidationError({"otp": [gate_message(Step.ENROL)]})
        code = (attrs.get("otp") or "").strip()
        if not code:
            raise serializers.ValidationError({"otp": [_("请填写身份验证器中的 6 位动态验证码。")]})
        if match_token(user, code) is None:
            record_event(AuditEventType.SIGN_IN_FAILED, actor=user, request=self.context.get("request"),
                         second_factor=True, channel="api-token")
            raise serializers.ValidationError({"otp": [_("动态验证码不正确或已过期。")]})
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainView(ObtainAuthToken):
    """``POST {"username", "password", "otp"?}`` → ``{"token"}``. Throttled; lockouts answer like a wrong password;
    roles that need a second factor send their TOTP code in ``otp`` (400 naming ``otp`` when missing or wrong)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    serializer_class = TokenRequestSerializer

    def get_serializer(self, *args, **kwargs):
        kwargs["context"] = self.get_serializer_context()
        return TokenRequestSerializer(*args, **kwargs)

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class PopulationSerializer(serializers.Serializer):
    households = serializers.IntegerField(min_value=0, max_value=30_000_000, allow_null=True, required=False)
    population = serializers.IntegerField(min_value=0, max_value=30_000_000, allow_null=True, required=False)

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        check_households_population(attrs.get("households"), attrs.get("population"))
        return attrs


@extend_schema(tags=["regions"])
class RegionViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The hierarchy below the caller's region, addressed by official 12-digit code. PATCH sets the registered
    households and population (account admins of the region or above)."""

    queryset = Region.objects.select_related("parent").order_by("code")
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    filterset_class = RegionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "depth"]

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    @extend_schema(request=PopulationSerializer, responses={200: RegionSerializer})
    def partial_update(self, request, code=None):
        region = self.get_object()
        data = PopulationSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {"households": region.households, "population": region.population, **data.validated_data}
        region_update_population(actor=request.user, region=region, **values)
        return Response(RegionSerializer(region, context=self.get_serializer_context()).data)


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.select_related("region").order_by("region__code", "name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name"]
    ordering_fields = ["name", "region__code"]


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
        user = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(svc.user_disable(actor=request.user, user=user, **data.validated_data))

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
        user = self.get_object()  # 404 outside the subtree before anything about the body is said
        data = RolesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(svc.user_assign_roles(actor=request.user, user=user, **data.validated_data))


@extend_schema(tags=["auth"], request=PasswordChangeSerializer, responses={200: None})
class PasswordChangeView(APIView):
    """Change one's own password. The only call a token allows while its password must be changed."""

    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        svc.password_change(user=request.user, request=request, **data.validated_data)
        return Response({"detail": "密码已修改。"})
