from shequyun.api import PortalRouter

from .users import UserViewSet
from .views import OrganisationViewSet, RegionViewSet

router = PortalRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("accounts/users", UserViewSet, basename="user")

urlpatterns = router.urls
