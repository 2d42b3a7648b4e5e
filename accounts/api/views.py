from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.gate import Step, gate_message, has_confirmed_device, second_factor_required
from accounts.models import Organisation, Region
from accounts.services import region_update_population
from shequyun.api import ScopedQuerysetMixin
from shequyun.audit import AuditEventType, record_event

from .filters import OrganisationFilter, RegionFilter
from .serializers import OrganisationSerializer, RegionDetailSerializer, RegionSerializer


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, plus the TOTP code for roles that need a second factor (accounts/gate.py)."""

    otp = serializers.CharField(label=_("动态验证码"), required=False, allow_blank=True, max_length=6, write_only=True,
                                help_text=_("账号管理员、安全员等须双因素认证的角色必填：身份验证器中的 6 位数字。"))

    def validate(self, attrs):  # type: ignore[no-untyped-def]
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

    def get_serializer(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["context"] = self.get_serializer_context()
        return TokenRequestSerializer(*args, **kwargs)

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)


class PopulationSerializer(serializers.Serializer):
    households = serializers.IntegerField(min_value=0, max_value=30_000_000, allow_null=True, required=False)
    population = serializers.IntegerField(min_value=0, max_value=30_000_000, allow_null=True, required=False)


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

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    @extend_schema(request=PopulationSerializer, responses={200: RegionSerializer})
    def partial_update(self, request, code=None):  # type: ignore[no-untyped-def]
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
