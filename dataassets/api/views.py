"""REST for data assets. Thin: each write is one service call; errors map to 400/403/404/409 in shequyun/api.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dataassets import exports, selectors, services
from dataassets.filters import ObjectionFilter, QualityFilter, ResourceFilter, SharingFilter
from dataassets.models import Item, Objection, Resource, ResourceEvent, SharingRequest
from dataassets.permissions import may_view_items
from shequyun.api import ScopedQuerysetMixin

from .serializers import (
    DataCommentSerializer,
    DataRequiredCommentSerializer,
    ItemSerializer,
    ItemsImportReportSerializer,
    ItemsImportRequestSerializer,
    ItemWriteSerializer,
    ObjectionDecideSerializer,
    ObjectionDetailSerializer,
    ObjectionSerializer,
    ObjectionTransferSerializer,
    ObjectionWriteSerializer,
    QualityIssueSerializer,
    QualityScoreSerializer,
    ResourceDetailSerializer,
    ResourceReportUpdateSerializer,
    ResourceSerializer,
    ResourceVersionSerializer,
    ResourceWriteSerializer,
    SharingApproveSerializer,
    SharingRequestSerializer,
    SharingRequestWriteSerializer,
)

TAGS = ["dataassets"]


def _valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _events() -> Prefetch:
    return Prefetch("events", queryset=ResourceEvent.objects.select_related("actor").order_by("created_at", "id"))


@extend_schema(tags=TAGS)
class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The catalogue (数据资源目录) as the caller may read it: their subtree in every state, the published city
    catalogue, their district's supplementary catalogue and resources granted to them."""

    filterset_class = ResourceFilter
    ordering_fields = ["name", "code", "updated_at", "published_at"]

    def get_queryset(self):
        queryset = selectors.resource_list(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related(_events())
        return queryset

    def get_serializer_class(self):
        return ResourceSerializer if self.action == "list" else ResourceDetailSerializer

    def _out(self, resource: Resource, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=resource.pk)
        return Response(ResourceDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ResourceWriteSerializer, responses={201: ResourceDetailSerializer})
    def create(self, request: Request) -> Response:
        values = _valid(ResourceWriteSerializer, request)
        return self._out(services.resource_create(actor=request.user, **values), status.HTTP_201_CREATED)

    @extend_schema(request=ResourceWriteSerializer(partial=True), responses={200: ResourceDetailSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        resource = self.get_object()
        values = _valid(ResourceWriteSerializer, request, partial=True)
        return self._out(services.resource_update(actor=request.user, resource=resource, **values))

    def _transition(self, request: Request, action_name: str) -> Response:
        resource = self.get_object()
        comment = _valid(DataCommentSerializer, request).get("comment", "")
        result = services.resource_transition(actor=request.user, resource=resource, action=action_name, comment=comment)
        return self._out(result)

    @extend_schema(request=DataCommentSerializer, responses={200: ResourceDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "submit")

    @extend_schema(request=DataCommentSerializer, responses={200: ResourceDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish a submitted entry; a submitted revision is published into its resource (answered with the
        revision, now merged)."""
        return self._transition(request, "publish")

    @extend_schema(request=DataRequiredCommentSerializer, responses={200: ResourceDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "return")

    @extend_schema(request=None, responses={201: ResourceDetailSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        """Start (or continue) a change to a published entry: answers the revision draft."""
        revision = services.resource_revise(actor=request.user, resource=self.get_object())
        return self._out(revision, status.HTTP_201_CREATED)

    @extend_schema(request=ResourceReportUpdateSerializer, responses={200: ResourceDetailSerializer})
    @action(detail=True, methods=["post"], url_path="report-update")
    def report_update(self, request: Request, pk: str | None = None) -> Response:
        values = _valid(ResourceReportUpdateSerializer, request)
        return self._out(services.resource_report_update(actor=request.user, resource=self.get_object(),
                                                         updated_on=values.get("updated_on")))

    @extend_schema(methods=["GET"], request=None, responses={200: ItemSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ItemWriteSerializer, responses={201: ItemSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def items(self, request: Request, pk: str | None = None) -> Response:
        """Information items: readable by the provider's subtree, by everyone for unconditional sharing and by
        holders of an authorised-sharing grant; added by the provider's data steward while the entry is a draft."""
        resource = self.get_object()
        if request.method == "POST":
            item = services.item_add(actor=request.user, resource=resource, **_valid(ItemWriteSerializer, request))
            return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)
        if not may_view_items(request.user, resource):
            raise PermissionDenied("授权共享或不予共享的信息项仅对提供单位和获得授权的单位可见。")
        return Response(ItemSerializer(Item.objects.filter(resource=resource).order_by("position", "id"), many=True).data)

    @extend_schema(request={"multipart/form-data": ItemsImportRequestSerializer}, responses={200: ItemsImportReportSerializer})
    @action(detail=True, methods=["post"], url_path="items-import")
    def items_import(self, request: Request, pk: str | None = None) -> Response:
        """Import items from xlsx or csv: a row-by-row report; with ``commit`` all rows are added, or none."""
        resource = self.get_object()
        values = _valid(ItemsImportRequestSerializer, request)
        upload = values["file"]
        report = services.items_import(actor=request.user, resource=resource, content=upload.read(),
                                       commit=values["commit"])
        return Response(ItemsImportReportSerializer({
            "total": report.total, "valid": len(report.items), "committed": bool(values["commit"]),
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in report.errors]}).data)

    @extend_schema(request=None, responses={200: ResourceVersionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str | None = None) -> Response:
        return Response(ResourceVersionSerializer(selectors.resource_versions(self.get_object()), many=True).data)

    @extend_schema(request=None, parameters=[OpenApiParameter("q", str)],
                   responses={(200, "application/ld+json"): OpenApiResponse(response=exports.DCAT_SCHEMA)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def dcat(self, request: Request) -> HttpResponse:
        """The published catalogue as DCAT JSON-LD (dcat:Dataset, dct:accrualPeriodicity, dct:accessRights)."""
        queryset = self.filter_queryset(self.get_queryset()).filter(status="published")
        return exports.dcat_response(request=request, resources=queryset[:10000])


@extend_schema(tags=TAGS)
class ItemViewSet(ScopedQuerysetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One information item of a resource in the caller's subtree: read, change or remove (drafts only)."""

    queryset = Item.objects.select_related("resource", "resource__region").order_by("resource_id", "position", "id")
    serializer_class = ItemSerializer

    @extend_schema(request=ItemWriteSerializer(partial=True), responses={200: ItemSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        values = _valid(ItemWriteSerializer, request, partial=True)
        return Response(ItemSerializer(services.item_update(actor=request.user, item=item, **values)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.item_delete(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class SharingRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests for authorised-sharing resources: the data office's (by the resource's region) and the caller's own."""

    serializer_class = SharingRequestSerializer
    filterset_class = SharingFilter

    def get_queryset(self):
        return selectors.sharing_list(user=self.request.user)

    def _out(self, obj: SharingRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(SharingRequestSerializer(self.get_queryset().get(pk=obj.pk),
                                                 context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=SharingRequestWriteSerializer, responses={201: SharingRequestSerializer})
    def create(self, request: Request) -> Response:
        values = _valid(SharingRequestWriteSerializer, request)
        resource = Resource.objects.catalogue_for(request.user).filter(pk=values["resource"]).first()
        if resource is None:
            raise ValidationError({"resource": ["数据资源不存在或您无权查看。"]})
        created = services.sharing_request_create(actor=request.user, resource=resource, scenario_id=values["scenario"],
                                                  purpose=values["purpose"])
        return self._out(created, status.HTTP_201_CREATED)

    @extend_schema(request=SharingApproveSerializer, responses={200: SharingRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        values = _valid(SharingApproveSerializer, request)
        return self._out(services.sharing_approve(actor=request.user, request=obj, expires_on=values["expires_on"],
                                                  comment=values.get("comment", "")))

    @extend_schema(request=DataRequiredCommentSerializer, responses={200: SharingRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        values = _valid(DataRequiredCommentSerializer, request)
        return self._out(services.sharing_reject(actor=request.user, request=obj, comment=values["comment"]))


@extend_schema(tags=TAGS)
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (003 Art. 48) with their stored working-day clocks: the caller's subtree and their own."""

    filterset_class = ObjectionFilter

    def get_queryset(self):
        queryset = selectors.objection_list(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related(selectors.objection_events_prefetch())
        return queryset

    def get_serializer_class(self):
        return ObjectionSerializer if self.action == "list" else ObjectionDetailSerializer

    def _out(self, obj: Objection, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(ObjectionDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ObjectionWriteSerializer, responses={201: ObjectionDetailSerializer})
    def create(self, request: Request) -> Response:
        values = _valid(ObjectionWriteSerializer, request)
        resource = Resource.objects.catalogue_for(request.user).filter(pk=values.pop("resource")).first()
        if resource is None:
            raise ValidationError({"resource": ["数据资源不存在或您无权查看。"]})
        return self._out(services.objection_file(actor=request.user, resource=resource, **values),
                         status.HTTP_201_CREATED)

    @extend_schema(request=DataCommentSerializer, responses={200: ObjectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        return self._out(services.objection_mark(actor=request.user, objection=obj,
                                                 comment=_valid(DataCommentSerializer, request).get("comment", "")))

    @extend_schema(request=ObjectionTransferSerializer, responses={200: ObjectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        values = _valid(ObjectionTransferSerializer, request)
        return self._out(services.objection_transfer(actor=request.user, objection=obj,
                                                     responsible_org=values["responsible_org"],
                                                     comment=values.get("comment", "")))

    @extend_schema(request=ObjectionDecideSerializer, responses={200: ObjectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        values = _valid(ObjectionDecideSerializer, request)
        return self._out(services.objection_decide(actor=request.user, objection=obj, **values))


@extend_schema(tags=TAGS)
class QualityIssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quality issues sent back to providers, and the quarterly provider scores."""

    serializer_class = QualityIssueSerializer
    filterset_class = QualityFilter

    def get_queryset(self):
        return selectors.quality_list(user=self.request.user)

    @extend_schema(request=DataRequiredCommentSerializer, responses={200: QualityIssueSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        values = _valid(DataRequiredCommentSerializer, request)
        result = services.quality_resolve(actor=request.user, issue=issue, comment=values["comment"])
        return Response(QualityIssueSerializer(self.get_queryset().get(pk=result.pk)).data)

    @extend_schema(request=None, parameters=[OpenApiParameter("quarter", str, description="e.g. 2026Q4")],
                   responses={200: QualityScoreSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def scores(self, request: Request) -> Response:
        quarter = request.query_params.get("quarter") or selectors.current_quarter()
        try:
            rows = selectors.provider_scores(user=request.user, quarter=quarter)
        except ValueError as exc:
            raise ValidationError({"quarter": ["季度格式应为 2026Q4。"]}) from exc
        return Response(QualityScoreSerializer(rows, many=True).data)


