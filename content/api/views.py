"""REST for content: items (with submit / approve / return / publish / withdraw), review chains, training materials
and the feedback channel. Thin: each action is one service call; errors map to 400/403/404/409 in shequyun/api.py."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from shequyun.api import ScopedQuerysetMixin

from .. import selectors, services
from ..diff import diff_as_json, diff_revisions
from ..filters import FeedbackFilter, ItemFilter, TrainingFilter
from ..models import ContentItem, Feedback, ItemEvent, ReviewChain, ReviewStep, TrainingMaterial
from ..permissions import may_see_coverage
from .serializers import (
    ContentCommentSerializer,
    ContentItemDetailSerializer,
    ContentItemSerializer,
    ContentItemWriteSerializer,
    CoverageSerializer,
    FeedbackDetailSerializer,
    FeedbackLevelCountSerializer,
    FeedbackSerializer,
    FeedbackWriteSerializer,
    ReadReceiptSerializer,
    ReviewActionSerializer,
    ReviewChainSerializer,
    ReviewChainWriteSerializer,
    RevisionDiffSerializer,
    RevisionSerializer,
    TrainingDetailSerializer,
    TrainingRemindedSerializer,
    TrainingSerializer,
    TrainingWriteSerializer,
)

PARSERS = [JSONParser, MultiPartParser, FormParser]


def _valid(serializer_class, request: Request, **kwargs):
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


@extend_schema(tags=["content"])
class ItemViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Content items of the caller's subtree, and published items whose audience includes the caller's region."""

    queryset = ContentItem.objects.select_related(*selectors.LIST_RELATED, "review_round").order_by("-updated_at", "-id")
    filterset_class = ItemFilter
    search_fields = ["title"]
    ordering_fields = ["title", "publish_at", "expire_at", "created_at", "updated_at", "status"]
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(Prefetch(
                "events", queryset=ItemEvent.objects.select_related("actor", "revision").order_by("created_at", "id")))
        return queryset

    def get_serializer_class(self):
        return ContentItemSerializer if self.action == "list" else ContentItemDetailSerializer

    def _out(self, item: ContentItem, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(ContentItemDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request={"application/json": ContentItemWriteSerializer, "multipart/form-data": ContentItemWriteSerializer},
                   responses={201: ContentItemDetailSerializer})
    def create(self, request: Request) -> Response:
        values = dict(_valid(ContentItemWriteSerializer, request, context=self.get_serializer_context()))
        values.pop("remove", None)
        files = values.pop("files", [])
        return self._out(services.item_create(actor=request.user, files=files, **values), status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": ContentItemWriteSerializer, "multipart/form-data": ContentItemWriteSerializer},
                   responses={200: ContentItemDetailSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        values = dict(_valid(ContentItemWriteSerializer, request, partial=True, context=self.get_serializer_context()))
        files = values.pop("files", [])
        remove = values.pop("remove", [])
        return self._out(services.item_update(actor=request.user, item=item, files=files, remove=remove, **values))

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def revisions(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        return Response(RevisionSerializer(selectors.item_revisions(item), many=True).data)

    @extend_schema(parameters=[
        OpenApiParameter("from", int, description="revision number (default: the one before `to`)"),
        OpenApiParameter("to", int, description="revision number (default: the latest)")],
        responses={200: RevisionDiffSerializer})
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        revisions = {r.number: r for r in selectors.item_revisions(item)}
        try:
            to_number = int(request.query_params.get("to") or item.revision_number)
            from_number = int(request.query_params.get("from") or to_number - 1)
        except ValueError as exc:
            raise DRFValidationError({"from": ["请填写版本号。"]}) from exc
        if to_number not in revisions:
            raise DRFValidationError({"to": ["没有这个版本。"]})
        if from_number not in revisions and from_number != 0:
            raise DRFValidationError({"from": ["没有这个版本。"]})
        return Response(diff_as_json(diff_revisions(revisions.get(from_number), revisions[to_number])))

    def _act(self, request: Request, name: str) -> Response:
        item = self.get_object()
        if name in {"approve", "return"}:
            data = _valid(ReviewActionSerializer, request)
            result = services.item_review(actor=request.user, item=item, action=name, comment=data.get("comment", ""),
                                          checks=data.get("checks", []), step=data.get("step"))
        else:
            data = _valid(ContentCommentSerializer, request)
            result = services.item_transition(actor=request.user, item=item, action=name,
                                              comment=data.get("comment", ""))
        return self._out(result)

    @extend_schema(request=ContentCommentSerializer, responses={200: ContentItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "submit")

    @extend_schema(request=ReviewActionSerializer, responses={200: ContentItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "approve")

    @extend_schema(request=ReviewActionSerializer, responses={200: ContentItemDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "return")

    @extend_schema(request=ContentCommentSerializer, responses={200: ContentItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "publish")

    @extend_schema(request=ContentCommentSerializer, responses={200: ContentItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "withdraw")


@extend_schema(tags=["content"])
class ReviewChainViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Review chains of the caller's subtree and of the levels above it (the one that applies to them)."""

    queryset = ReviewChain.objects.select_related("region", "updated_by").prefetch_related(
        Prefetch("steps", queryset=ReviewStep.objects.order_by("position"))).order_by("region__path")
    serializer_class = ReviewChainSerializer
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def _out(self, chain: ReviewChain, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=chain.pk)
        return Response(ReviewChainSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ReviewChainWriteSerializer, responses={201: ReviewChainSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(ReviewChainWriteSerializer, request, context=self.get_serializer_context())
        region = data.get("region") or request.user.region
        return self._out(services.chain_save(actor=request.user, region=region, steps=data["steps"]),
                         status.HTTP_201_CREATED)

    @extend_schema(request=ReviewChainWriteSerializer, responses={200: ReviewChainSerializer})
    def update(self, request: Request, pk: str | None = None) -> Response:
        chain = self.get_object()
        data = _valid(ReviewChainWriteSerializer, request, context=self.get_serializer_context())
        return self._out(services.chain_save(actor=request.user, region=chain.region, steps=data["steps"]))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.chain_delete(actor=request.user, chain=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["content"])
class TrainingViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Training materials (000 Art. 17) published to the caller's region or from within their subtree."""

    queryset = TrainingMaterial.objects.all()
    filterset_class = TrainingFilter
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = selectors.training_list(user=self.request.user)
        return queryset.prefetch_related("files") if self.action != "list" else queryset

    def get_serializer_class(self):
        return TrainingSerializer if self.action == "list" else TrainingDetailSerializer

    @extend_schema(request={"multipart/form-data": TrainingWriteSerializer, "application/json": TrainingWriteSerializer},
                   responses={201: TrainingDetailSerializer})
    def create(self, request: Request) -> Response:
        values = dict(_valid(TrainingWriteSerializer, request))
        material = services.material_create(actor=request.user, **values)
        fresh = self.get_queryset().prefetch_related("files").get(pk=material.pk)
        return Response(TrainingDetailSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ReadReceiptSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        receipt = services.material_mark_read(actor=request.user, material=self.get_object())
        return Response(ReadReceiptSerializer(receipt).data)

    @extend_schema(responses={200: CoverageSerializer})
    @action(detail=True, methods=["get"])
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        material = self.get_object()
        if not may_see_coverage(request.user, material):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        coverage = selectors.training_coverage(user=request.user, material=material)
        coverage["non_readers"] = list(coverage["non_readers"][:200])
        return Response(CoverageSerializer(coverage).data)

    @extend_schema(request=None, responses={200: TrainingRemindedSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        return Response({"reminded": services.material_remind(actor=request.user, material=self.get_object())})

    @extend_schema(responses={(200, "application/octet-stream"): bytes},
                   parameters=[OpenApiParameter("file", int, required=True)])
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        from django.http import Http404

        material = self.get_object()
        row = material.files.filter(pk=request.query_params.get("file") or 0).first() if str(
            request.query_params.get("file", "")).isdigit() else None
        if row is None:
            raise Http404
        from ..views.common import file_response

        return file_response(row.file, filename=row.name, extension=row.extension)


@extend_schema(tags=["content"])
class FeedbackViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """工作交流平台: questions and suggestions of the caller's subtree (raised there, or waiting on them)."""

    queryset = Feedback.objects.select_related("region", "handler_region", "raised_by", "answered_by").order_by(
        "-created_at", "-id")
    filterset_class = FeedbackFilter
    search_fields = ["title", "body"]
    ordering_fields = ["created_at", "due_date", "status"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related("events__actor", "events__from_region", "events__to_region")
        return queryset

    def get_serializer_class(self):
        return FeedbackSerializer if self.action == "list" else FeedbackDetailSerializer

    def _out(self, feedback: Feedback, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("events__actor").get(pk=feedback.pk)
        return Response(FeedbackDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=FeedbackWriteSerializer, responses={201: FeedbackDetailSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(FeedbackWriteSerializer, request)
        return self._out(services.feedback_raise(actor=request.user, **data), status.HTTP_201_CREATED)

    def _act(self, request: Request, name: str) -> Response:
        feedback = self.get_object()
        data = _valid(ContentCommentSerializer, request)
        return self._out(services.feedback_act(actor=request.user, feedback=feedback, action=name,
                                               comment=data.get("comment", "")))

    @extend_schema(request=ContentCommentSerializer, responses={200: FeedbackDetailSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "answer")

    @extend_schema(request=ContentCommentSerializer, responses={200: FeedbackDetailSerializer})
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "forward")

    @extend_schema(request=ContentCommentSerializer, responses={200: FeedbackDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "close")

    @extend_schema(responses={200: FeedbackLevelCountSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def counts(self, request: Request) -> Response:
        """Counts by status for each level that handles feedback, over the caller's subtree."""
        rows = selectors.feedback_counts(user=request.user)
        return Response([{"level": row["level"].value, "open": row["counts"][0], "answered": row["counts"][1],
                          "closed": row["counts"][2], "overdue": row["overdue"], "total": row["total"]}
                         for row in rows])
