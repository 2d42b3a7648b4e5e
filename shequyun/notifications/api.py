from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shequyun.api import PortalModelSerializer

from .models import Notification
from .services import notification_mark_read


class NotificationSerializer(PortalModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "target_type", "target_id", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="how many notifications were marked read")


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=500)


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox."""

    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"]}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Notification.objects.for_user(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], url_path="read")
    def read(self, request: Request) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = notification_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked_read": count})
