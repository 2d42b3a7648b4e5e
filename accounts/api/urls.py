from shequyun.api import PortalRouter

from .views import OrganisationViewSet, RegionViewSet, UserViewSet

router = PortalRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("accounts/users", UserViewSet, basename="user")

urlpatterns = router.urls
