from shequyun.api import PortalRouter

from .evaluations import CampaignViewSet, EvaluationViewSet
from .views import ApplicationViewSet, PublicScenarioViewSet, ScenarioViewSet

router = PortalRouter()
router.register("scenarios/campaigns", CampaignViewSet, basename="scenario-campaign")
router.register("scenarios/evaluations", EvaluationViewSet, basename="scenario-evaluation")
router.register("scenarios/applications", ApplicationViewSet, basename="scenario-application")
router.register("scenarios/public", PublicScenarioViewSet, basename="scenario-public")
router.register("scenarios", ScenarioViewSet, basename="scenario")

urlpatterns = router.urls
