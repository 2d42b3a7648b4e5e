"""REST for evaluation: campaigns, evaluations and their actions, and the usage metrics a scenario pushes."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.fields import RegionCodeField
from scenarios.filters import EvaluationFilter
from scenarios.models import Evaluation, EvaluationCampaign, EvaluationEvent, UsageMetric
from scenarios.services import evaluations as svc
from shequyun.api import PortalModelSerializer, ScopedQuerysetMixin
from shequyun.files import file_response
from shequyun.validators import not_past, sane_date

from .serializers import CommentSerializer


class MetricSerializer(PortalModelSerializer):
    active_users = serializers.IntegerField(min_value=0, max_value=50_000_000)
    visits = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    households_reached = serializers.IntegerField(min_value=0, max_value=20_000_000)

    class Meta:
        model = UsageMetric
        fields = ["date", "active_users", "visits", "households_reached"]


class CampaignSerializer(PortalModelSerializer):
    region = RegionCodeField(required=False)
    evaluations = serializers.IntegerField(source="evaluations.count", read_only=True)

    class Meta:
        model = EvaluationCampaign
        fields = ["id", "region", "period", "due_date", "due_provisional", "evaluations", "created_at"]
        read_only_fields = ["id", "due_provisional", "evaluations", "created_at"]
        validators: list = []  # opening twice is allowed: campaign_open completes the existing campaign
        extra_kwargs = {"due_date": {"required": False, "validators": [sane_date, not_past]}}


class EvaluationEventSerializer(PortalModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, allow_null=True)

    class Meta:
        model = EvaluationEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]
        read_only_fields = fields


class EvaluationSerializer(PortalModelSerializer):
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    region = serializers.CharField(source="scenario.region.code", read_only=True)
    period = serializers.CharField(source="campaign.period", read_only=True)
    due_date = serializers.DateField(source="campaign.due_date", read_only=True)
    promote_regions = RegionCodeField(many=True, required=False)

    class Meta:
        model = Evaluation
        fields = ["id", "campaign", "scenario", "scenario_name", "region", "period", "due_date", "status",
                  "mechanism_score", "mechanism_finding", "effectiveness_score", "effectiveness_finding",
                  "participation_score", "participation_finding", "security_score", "security_finding", "outcome",
                  "rectify_working_days", "promote_regions", "submitted_at", "return_comment"]
        read_only_fields = ["id", "campaign", "scenario", "status", "submitted_at", "return_comment"]
        extra_kwargs = {f"{d}_score": {"min_value": 0, "max_value": 100} for d in svc.SCORE_FIELDS}


class EvaluationDetailSerializer(EvaluationSerializer):
    """One report with its history (every submission and return, each comment kept) and the caller's actions."""

    history = EvaluationEventSerializer(source="events", many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "history", "available_actions"]
        read_only_fields = [*EvaluationSerializer.Meta.read_only_fields, "history", "available_actions"]

    def get_available_actions(self, obj: Evaluation) -> list[str]:
        request = self.context.get("request")
        return [t.action for t in svc.EVALUATION_WORKFLOW.available_actions(obj, request.user)] if request else []




@extend_schema(tags=["evaluation"])
class CampaignViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    queryset = EvaluationCampaign.objects.select_related("region").prefetch_related("evaluations").order_by("-period")
    serializer_class = CampaignSerializer
    filterset_fields = ["period"]

    def create(self, request: Request) -> Response:
        data = CampaignSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        campaign = svc.campaign_open(actor=request.user, region=data.validated_data.get("region") or request.user.region,
                                     period=data.validated_data["period"], due_date=data.validated_data.get("due_date"))
        return Response(CampaignSerializer(campaign, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


def _events() -> Prefetch:
    return Prefetch("events", EvaluationEvent.objects.select_related("actor").order_by("created_at", "id"))


@extend_schema(tags=["evaluation"])
class EvaluationViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = (Evaluation.objects.select_related("campaign", "scenario", "scenario__region")
                .prefetch_related("promote_regions").order_by("campaign__due_date", "pk"))
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return EvaluationSerializer if self.action == "list" else EvaluationDetailSerializer

    def _out(self, evaluation: Evaluation) -> Response:
        fresh = self.get_queryset().prefetch_related(_events()).get(pk=evaluation.pk)
        return Response(EvaluationDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = super().get_queryset()
        return queryset.prefetch_related(_events()) if self.action == "retrieve" else queryset

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        data = EvaluationSerializer(evaluation, data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        regions = values.pop("promote_regions", None)
        svc.evaluation_save(actor=request.user, evaluation=evaluation, promote_regions=regions, **values)
        return self._out(evaluation)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: None})
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: str | None = None) -> FileResponse:
        """The uploaded evidence (attachment), for whoever may see the evaluation."""
        evaluation = self.get_object()
        return file_response(evaluation.evidence, filename=f"evidence-{evaluation.pk}")

    @extend_schema(request=None, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._out(svc.evaluation_submit(actor=request.user, evaluation=self.get_object()))

    @extend_schema(request=CommentSerializer, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(svc.evaluation_return(actor=request.user, evaluation=self.get_object(),
                                               comment=data.validated_data.get("comment", "")))
