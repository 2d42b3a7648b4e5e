from rest_framework.routers import SimpleRouter

from .views import OrganisationViewSet, RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
