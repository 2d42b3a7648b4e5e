from django.urls import path

from . import oidc
from .views import manage as manage_views
from .views import otp as otp_views
from .views import portal as views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", oidc.PlatformAwareSignOutView.as_view(), name="logout"),
    path("oidc/authenticate/", oidc.PlatformSignInView.as_view(), name="oidc_authenticate"),
    path("oidc/callback/", oidc.PlatformCallbackView.as_view(), name="oidc_callback"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("preferences/font-scale/", views.font_scale, name="font_scale"),
    path("password/", manage_views.password_change, name="password_change"),
    path("anomaly/", manage_views.anomaly_report, name="anomaly_report"),
    path("manage/", manage_views.account_list, name="manage"),
    path("manage/new/", manage_views.account_create, name="manage_create"),
    path("manage/import/", manage_views.account_import, name="manage_import"),
    path("manage/anomalies/", manage_views.anomaly_list, name="anomalies"),
    path("manage/<int:pk>/", manage_views.account_detail, name="manage_detail"),
    path("manage/<int:pk>/<slug:action>/", manage_views.account_action, name="manage_action"),
    path("audit/", manage_views.audit_trail, name="audit"),
    path("otp/setup/", otp_views.otp_setup, name="otp_setup"),
    path("otp/verify/", otp_views.otp_verify, name="otp_verify"),
]
