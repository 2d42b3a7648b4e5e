from shequyun.api import PortalRouter

from .views import FeedbackViewSet, ItemViewSet, ReviewChainViewSet, TrainingViewSet

router = PortalRouter()
router.register("content/items", ItemViewSet, basename="content-item")
router.register("content/review-chains", ReviewChainViewSet, basename="content-review-chain")
router.register("content/training", TrainingViewSet, basename="content-training")
router.register("content/feedback", FeedbackViewSet, basename="content-feedback")

urlpatterns = router.urls
