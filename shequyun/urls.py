from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api.views import PasswordChangeView, TokenObtainView
from accounts.views import portal as account_views
from content import views as content_views
from dataassets import views as dataassets_views
from scenarios.views import scenarios as scenario_views
from security import views as security_views

from . import region_picker, views
from .api import PortalRouter
from .notifications.api import NotificationViewSet

notification_router = PortalRouter()
notification_router.register("notifications", NotificationViewSet, basename="notification")

api_v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/password/", PasswordChangeView.as_view(), name="api-password"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("scenarios.api.urls")),
    path("", include("content.api.urls")),
    path("", include("security.api.urls")),
    path("", include("dataassets.api.urls")),
    path("", include(notification_router.urls)),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("scenarios/", scenario_views.inventory, name="scenarios-index"),
    path("scenarios/", include("scenarios.urls")),
    path("content/", content_views.index, name="content-index"),
    path("content/", include("content.urls")),
    path("security/", security_views.dashboard, name="security-index"),
    path("security/", include("security.urls")),
    path("dataassets/", dataassets_views.catalogue, name="dataassets-index"),
    path("dataassets/", include("dataassets.urls")),
    path("notifications/", include("shequyun.notifications.urls")),
    path("regions/cascade/", region_picker.region_cascade, name="region_cascade"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz/", views.healthz, name="healthz"),  # answered by HealthCheckMiddleware before the Host check
    path("readyz/", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

handler403 = "shequyun.views.permission_denied"
handler404 = "shequyun.views.page_not_found"
handler400 = "shequyun.views.bad_request"
handler500 = "shequyun.views.server_error"  # a lost database connection answers 503 + Retry-After
