"""REST for scenarios: the inventory, the public inventory, applications and every workflow action.
Thin: each action is one service call; errors map to 400/403/404/409 in shequyun/api.py."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from scenarios import services
from scenarios.filters import ApplicationFilter, ScenarioFilter
from scenarios.models import Application, Scenario
from scenarios.selectors import events_prefetch
from scenarios.services import evaluations
from shequyun.api import ID_PATTERN, ScopedQuerysetMixin
from shequyun.files import file_response

from .evaluations import MetricSerializer
from .serializers import (
    ApplicationSerializer,
    ApplicationWriteSerializer,
    CommentSerializer,
    MergeSerializer,
    PublicScenarioSerializer,
    ScenarioDetailSerializer,
    ScenarioSerializer,
    ScenarioWriteSerializer,
)

ORDERING = ["name", "created_at", "updated_at", "online_since", "status", "category"]


def _comment(request: Request) -> str:
    data = CommentSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("comment", "")


@extend_schema(tags=["scenarios"])
class ScenarioViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The inventory (清单) of the caller's subtree."""

    queryset = (Scenario.objects.select_related("region", "building_unit", "assessment").prefetch_related("scope_regions")
                .order_by("-updated_at", "-id"))
    lookup_value_regex = ID_PATTERN
    filterset_class = ScenarioFilter
    search_fields = ["name", "developer_name", "application__function_summary"]
    ordering_fields = ORDERING

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(events_prefetch())
        return queryset

    def get_serializer_class(self):
        return ScenarioDetailSerializer if self.action == "retrieve" else ScenarioSerializer

    def _out(self, scenario: Scenario, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related(events_prefetch()).get(pk=scenario.pk)
        return Response(ScenarioDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ScenarioWriteSerializer, responses={201: ScenarioDetailSerializer})
    def create(self, request: Request) -> Response:
        data = ScenarioWriteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = values.pop("region", None) or request.user.region
        return self._out(services.scenario_create(actor=request.user, region=region, **values), status.HTTP_201_CREATED)

    def _transition(self, request: Request, action_name: str) -> Response:
        scenario = self.get_object()
        return self._out(services.scenario_transition(actor=request.user, scenario=scenario, action=action_name,
                                                      comment=_comment(request)))

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"], url_path="go-online")
    def go_online(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "go_online")

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"])
    def disconnect(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "disconnect")

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"])
    def reconnect(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reconnect")

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"], url_path="report-rectified")
    def report_rectified(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "report_rectified")

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"], url_path="request-offboarding")
    def request_offboarding(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "request_offboarding")

    @extend_schema(request=CommentSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"])
    def offboard(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "offboard")

    @extend_schema(request=MetricSerializer(many=True), responses={200: MetricSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def metrics(self, request: Request, pk: str | None = None) -> Response:
        """Daily usage. POST one object or a list (bulk); posting a day again replaces it."""
        scenario = self.get_object()
        if request.method == "POST":
            many = isinstance(request.data, list)
            data = MetricSerializer(data=request.data, many=many)
            data.is_valid(raise_exception=True)
            rows = data.validated_data if many else [data.validated_data]
            dates = [row["date"] for row in rows]
            if len(set(dates)) != len(dates):
                from django.core.exceptions import ValidationError

                raise ValidationError({"date": ["同一次报送中日期重复。"]})
            evaluations.metrics_push(actor=request.user, scenario=scenario, rows=rows)
        metrics = scenario.metrics.order_by("-date")[:366]
        return Response(MetricSerializer(metrics, many=True).data)

    @extend_schema(request=MergeSerializer, responses={200: ScenarioDetailSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        scenario = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into = self.get_queryset().filter(pk=data.validated_data["into"]).first()
        if into is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"into": ["目标场景不存在或不在您的管辖范围内。"]})
        return self._out(services.scenario_merge(actor=request.user, scenario=scenario, into=into,
                                                 comment=data.validated_data.get("comment", "")))


@extend_schema(tags=["scenarios"])
class PublicScenarioViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The published inventory: online scenarios of the whole city, no personal data, for every authenticated client."""

    queryset = (Scenario.objects.published().select_related("region", "building_unit").prefetch_related("scope_regions")
                .order_by("name", "id"))
    serializer_class = PublicScenarioSerializer
    lookup_value_regex = ID_PATTERN
    filterset_class = ScenarioFilter
    search_fields = ["name", "developer_name"]
    ordering_fields = ORDERING


@extend_schema(tags=["scenarios"])
class ApplicationViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Onboarding applications with their actions: submit, approve, return, reject, file."""

    queryset = Application.objects.select_related(
        "scenario", "scenario__region", "scenario__building_unit", "scenario__assessment").prefetch_related(
        "scenario__scope_regions").order_by("-scenario__updated_at", "-id")
    serializer_class = ApplicationSerializer
    lookup_value_regex = ID_PATTERN
    filterset_class = ApplicationFilter

    def _out(self, application: Application) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=ApplicationWriteSerializer, responses={200: ApplicationSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = ApplicationWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.application_update(actor=request.user, scenario=application.scenario, **data.validated_data)
        return self._out(application)

    def _transition(self, request: Request, action_name: str) -> Response:
        application = self.get_object()
        services.scenario_transition(actor=request.user, scenario=application.scenario, action=action_name,
                                     comment=_comment(request))
        return self._out(application)

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "submit")

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "approve")

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "return")

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reject")

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="file")
    def file_(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "file")

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str | None = None) -> FileResponse:
        return report_response(self.get_object())


def report_response(application: Application, *, preview: bool = False) -> FileResponse:
    """The risk report of a visible application: a download, or (PDF only) the inline preview the review page frames."""
    return file_response(application.risk_report, filename=application.risk_report_name or "安全风险评估报告",
                         extension=application.risk_report_type, inline_pdf=preview)
