from shequyun.api import PortalRouter

from .views import ItemViewSet, ObjectionViewSet, QualityIssueViewSet, ResourceViewSet, SharingRequestViewSet

router = PortalRouter()
router.register("dataassets/resources", ResourceViewSet, basename="dataassets-resource")
router.register("dataassets/items", ItemViewSet, basename="dataassets-item")
router.register("dataassets/sharing-requests", SharingRequestViewSet, basename="dataassets-sharing")
router.register("dataassets/objections", ObjectionViewSet, basename="dataassets-objection")
router.register("dataassets/quality-issues", QualityIssueViewSet, basename="dataassets-quality")

urlpatterns = router.urls
