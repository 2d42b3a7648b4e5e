"""REST for security operations. Thin: each action loads the visible object (404 outside scope), validates the
shape and calls one service; errors map to 400/403/404/409 in shequyun/api.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from security import selectors, services
from security.filters import (
    AgreementFilter,
    AssessmentFilter,
    DrillFilter,
    IncidentFilter,
    PlanFilter,
    TrainingFilter,
)
from security.models import PlanStatus, PlanVersion

from .serializers import (
    AcknowledgeSerializer,
    ActivatePlanSerializer,
    AgreementSerializer,
    AgreementWriteSerializer,
    AssessmentSerializer,
    AssessmentWriteSerializer,
    DiffSerializer,
    DisconnectSerializer,
    DrillCompleteSerializer,
    DrillCreateSerializer,
    DrillSerializer,
    GradeSerializer,
    IncidentDetailSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    ReconnectSerializer,
    ResolveSerializer,
    ReviewSerializer,
    SecurityCommentSerializer,
    SecurityCoverageSerializer,
    SecurityRevisionSerializer,
    SecurityTrainingSerializer,
    TrainingCreateSerializer,
)


def _valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- Incidents ---------------------------------------------------------------------------------------------------

@extend_schema(tags=["security"])
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Incidents and faults visible to the caller: their subtree plus those an escalation granted them."""

    filterset_class = IncidentFilter
    ordering_fields = ["created_at", "ack_due_at", "detected_at", "status"]
    search_fields = ["title", "description"]

    def get_queryset(self):
        queryset = selectors.incident_list(user=self.request.user).order_by("-created_at", "-id")
        if self.action != "list":
            queryset = queryset.prefetch_related("events__actor", "review_actions__owner")
        return queryset

    def get_serializer_class(self):
        return IncidentSerializer if self.action == "list" else IncidentDetailSerializer

    def _out(self, incident: Any, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("events__actor", "review_actions__owner").get(pk=incident.pk)
        return Response(IncidentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(IncidentReportSerializer, request, context=self.get_serializer_context())
        return self._out(services.incident_report(actor=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(AcknowledgeSerializer, request)
        return self._out(services.incident_acknowledge(actor=request.user, incident=incident, grade=data.get("grade"),
                                                       reason=data.get("grade_reason", ""),
                                                       comment=data.get("comment", "")))

    @extend_schema(request=GradeSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def grade(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(GradeSerializer, request)
        return self._out(services.incident_confirm_grade(actor=request.user, incident=incident, grade=data["grade"],
                                                         reason=data.get("grade_reason", "")))

    def _plain(self, request: Request, name: str) -> Response:
        incident = self.get_object()
        data = _valid(SecurityCommentSerializer, request)
        return self._out(services.incident_transition(actor=request.user, incident=incident, action=name,
                                                      comment=data.get("comment", "")))

    @extend_schema(request=SecurityCommentSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        return self._plain(request, "respond")

    @extend_schema(request=SecurityCommentSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def contain(self, request: Request, pk: str | None = None) -> Response:
        return self._plain(request, "contain")

    @extend_schema(request=ResolveSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(ResolveSerializer, request)
        return self._out(services.incident_resolve(actor=request.user, incident=incident,
                                                   resolution_note=data["resolution_note"]))

    @extend_schema(request=ReviewSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(ReviewSerializer, request)
        return self._out(services.incident_review(actor=request.user, incident=incident, causes=data["causes"],
                                                  actions=[dict(a) for a in data["actions"]]))

    @extend_schema(request=ActivatePlanSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"], url_path="activate-plan")
    def activate_plan(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(ActivatePlanSerializer, request)
        return self._out(services.incident_activate_plan(actor=request.user, incident=incident,
                                                         version=data["plan_version"]))

    @extend_schema(request=DisconnectSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def disconnect(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(DisconnectSerializer, request)
        services.incident_disconnect(actor=request.user, incident=incident, reason=data["reason"], scope=data["scope"])
        return self._out(incident)

    @extend_schema(request=ReconnectSerializer, responses={200: IncidentDetailSerializer})
    @action(detail=True, methods=["post"])
    def reconnect(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = _valid(ReconnectSerializer, request)
        services.incident_reconnect(actor=request.user, incident=incident, comment=data["comment"])
        return self._out(incident)


# --- Plans ---------------------------------------------------------------------------------------------------------

@extend_schema(tags=["security"])
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Emergency plans of the caller's subtree with all their versions. Actions act on the open version (draft or
    approved); ``revise`` opens a new draft from the active one."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).prefetch_related(
            "versions__team__user").order_by("region__code")

    def _out(self, plan: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(PlanSerializer(self.get_queryset().get(pk=plan.pk), context=self.get_serializer_context()).data,
                        status=code)

    def _open(self, plan: Any) -> PlanVersion:
        version = plan.versions.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]).first()
        if version is None:
            from shequyun.errors import Conflict

            raise Conflict("没有待批准或待发布的版本，请先发起修订。")
        return version

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(PlanCreateSerializer, request, context=self.get_serializer_context())
        region = data.pop("region", None) or request.user.region
        return self._out(services.plan_create(actor=request.user, region=region, **data), status.HTTP_201_CREATED)

    @extend_schema(request=PlanUpdateSerializer, responses={200: PlanSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = _valid(PlanUpdateSerializer, request)
        services.plan_version_update(actor=request.user, version=self._open(plan), **data)
        return self._out(plan)

    def _act(self, request: Request, name: str) -> Response:
        plan = self.get_object()
        data = _valid(SecurityCommentSerializer, request)
        services.plan_transition(actor=request.user, version=self._open(plan), action=name,
                                 comment=data.get("comment", ""))
        return self._out(plan)

    @extend_schema(request=SecurityCommentSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "approve")

    @extend_schema(request=SecurityCommentSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "return")

    @extend_schema(request=SecurityCommentSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "activate")

    @extend_schema(request=SecurityRevisionSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = _valid(SecurityRevisionSerializer, request)
        services.plan_revision_open(actor=request.user, plan=plan, reason=data["reason"],
                                    working_days=data["working_days"])
        return self._out(plan)

    @extend_schema(parameters=[OpenApiParameter("old", OpenApiTypes.INT, description="version number"),
                               OpenApiParameter("new", OpenApiTypes.INT, description="version number")],
                   responses={200: DiffSerializer})
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        versions = {v.number: v for v in plan.versions.prefetch_related("team__user")}
        numbers = sorted(versions)
        try:
            new = int(request.query_params.get("new") or numbers[-1])
            old = int(request.query_params.get("old") or (numbers[-2] if len(numbers) > 1 else numbers[-1]))
        except ValueError:
            raise ValidationError({"old": ["版本号应为整数。"]}) from None
        if old not in versions:
            raise ValidationError({"old": ["没有这个版本。"]})
        if new not in versions:
            raise ValidationError({"new": ["没有这个版本。"]})
        return Response({"old": old, "new": new, "sections": selectors.plan_diff(versions[old], versions[new])})


# --- Drills and training -------------------------------------------------------------------------------------------

@extend_schema(tags=["security"])
class DrillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = DrillSerializer
    filterset_class = DrillFilter
    ordering_fields = ["planned_on", "held_on", "created_at"]

    def get_queryset(self):
        return selectors.drill_list(user=self.request.user).prefetch_related("participants").order_by("planned_on", "id")

    def _out(self, drill: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(DrillSerializer(self.get_queryset().get(pk=drill.pk)).data, status=code)

    @extend_schema(request=DrillCreateSerializer, responses={201: DrillSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(DrillCreateSerializer, request, context=self.get_serializer_context())
        region = data.pop("region", None) or request.user.region
        return self._out(services.drill_create(actor=request.user, region=region, **data), status.HTTP_201_CREATED)

    @extend_schema(request=DrillCompleteSerializer, responses={200: DrillSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        drill = self.get_object()
        data = _valid(DrillCompleteSerializer, request)
        return self._out(services.drill_complete(actor=request.user, drill=drill, **data))

    @extend_schema(request=SecurityCommentSerializer, responses={200: DrillSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        drill = self.get_object()
        data = _valid(SecurityCommentSerializer, request)
        return self._out(services.drill_transition(actor=request.user, drill=drill, action="cancel",
                                                   comment=data.get("comment", "")))


@extend_schema(tags=["security"])
class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = SecurityTrainingSerializer
    filterset_class = TrainingFilter
    ordering_fields = ["held_on", "created_at"]

    def get_queryset(self):
        return selectors.training_list(user=self.request.user).prefetch_related("participants").order_by(
            "-held_on", "-id")

    @extend_schema(request=TrainingCreateSerializer, responses={201: SecurityTrainingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(TrainingCreateSerializer, request, context=self.get_serializer_context())
        region = data.pop("region", None) or request.user.region
        training = services.training_create(actor=request.user, region=region, **data)
        return Response(SecurityTrainingSerializer(self.get_queryset().get(pk=training.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT)], responses={200: SecurityCoverageSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def coverage(self, request: Request) -> Response:
        """Who in my subtree has had training this year, per level (my own level and each child region)."""
        raw = request.query_params.get("year") or ""
        if raw and (not raw.isdigit() or not 2000 <= int(raw) <= 2100):
            raise ValidationError({"year": ["年度应为 2000 至 2100 之间的整数。"]})
        rows = selectors.training_coverage(user=request.user, year=int(raw) if raw else None)
        return Response([{"region": r["region"].code, "label": str(r["label"]), "total": r["total"],
                          "trained": r["trained"], "rate": r["rate"]} for r in rows])


# --- Assessments and agreements ---------------------------------------------------------------------------------

@extend_schema(tags=["security"])
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """等保 level and test dates, 密评 from level 3 (002 Art. 31-32), per scenario."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["next_due_on", "crypto_next_due_on", "updated_at"]

    def get_queryset(self):
        return selectors.assessment_list(user=self.request.user).order_by("next_due_on", "id")

    def _out(self, assessment: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(AssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data, status=code)

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(AssessmentWriteSerializer, request)
        if "scenario" not in data:
            raise ValidationError({"scenario": ["请选择应用场景。"]})
        scenario = data.pop("scenario")
        return self._out(services.assessment_save(actor=request.user, scenario=scenario, must_be_new=True, **data),
                         status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentWriteSerializer, responses={200: AssessmentSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        data = _valid(AssessmentWriteSerializer, request, partial=True)
        data.pop("scenario", None)
        return self._out(services.assessment_save(actor=request.user, scenario=assessment.scenario, **data))


@extend_schema(tags=["security"])
class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Vendor confidentiality agreements (000 Art. 15) per scenario, with their expiry."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["expires_on", "signed_on"]

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user).order_by("expires_on", "id")

    def _out(self, agreement: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(AgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data, status=code)

    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(AgreementWriteSerializer, request)
        if "scenario" not in data:
            raise ValidationError({"scenario": ["请选择应用场景。"]})
        missing = {f: ["此项为必填项。"] for f in ("signatory", "signed_on", "expires_on") if f not in data}
        if missing:
            raise ValidationError(missing)
        scenario = data.pop("scenario")
        return self._out(services.agreement_save(actor=request.user, scenario=scenario, **data),
                         status.HTTP_201_CREATED)

    @extend_schema(request=AgreementWriteSerializer, responses={200: AgreementSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        data = _valid(AgreementWriteSerializer, request, partial=True)
        data.pop("scenario", None)
        return self._out(services.agreement_save(actor=request.user, agreement=agreement, **data))
