from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Organisation, Region
from shequyun.api import ScopedQuerysetMixin

from .filters import OrganisationFilter, RegionFilter
from .serializers import OrganisationSerializer, RegionDetailSerializer, RegionSerializer


class TokenObtainView(ObtainAuthToken):
    """``POST {"username", "password"}`` → ``{"token"}``. Throttled; lockouts answer like a wrong password."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


@extend_schema(tags=["regions"])
class RegionViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The hierarchy below the caller's region, addressed by official 12-digit code."""

    queryset = Region.objects.select_related("parent").order_by("code")
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    filterset_class = RegionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "depth"]

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.select_related("region").order_by("region__code", "name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name"]
    ordering_fields = ["name", "region__code"]
