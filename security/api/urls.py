from shequyun.api import PortalRouter

from .views import AgreementViewSet, AssessmentViewSet, DrillViewSet, IncidentViewSet, PlanViewSet, TrainingViewSet

router = PortalRouter()
router.register("security/incidents", IncidentViewSet, basename="security-incident")
router.register("security/plans", PlanViewSet, basename="security-plan")
router.register("security/drills", DrillViewSet, basename="security-drill")
router.register("security/trainings", TrainingViewSet, basename="security-training")
router.register("security/assessments", AssessmentViewSet, basename="security-assessment")
router.register("security/agreements", AgreementViewSet, basename="security-agreement")

urlpatterns = router.urls
