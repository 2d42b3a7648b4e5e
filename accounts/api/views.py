from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Organisation, Region
from accounts.services import region_update_population
from shequyun.api import ScopedQuerysetMixin

from .filters import OrganisationFilter, RegionFilter
from .serializers import OrganisationSerializer, RegionDetailSerializer, RegionSerializer


class TokenObtainView(ObtainAuthToken):
    """``POST {"username", "password"}`` → ``{"token"}``. Throttled; lockouts answer like a wrong password."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


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
