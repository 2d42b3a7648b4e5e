from django.urls import path

from .views import evaluations as evaluation_views
from .views import scenarios as views

app_name = "scenarios"

urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("new/", views.scenario_new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("queue/", views.queue, name="queue"),
    path("evaluations/", evaluation_views.evaluation_queue, name="evaluations"),
    path("evaluations/<int:pk>/", evaluation_views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/return/", evaluation_views.evaluation_return_view, name="evaluation_return"),
    path("evaluations/<int:pk>/evidence/", evaluation_views.evaluation_evidence, name="evaluation_evidence"),
    path("<int:pk>/", views.scenario_detail, name="detail"),
    path("<int:pk>/edit/", views.scenario_edit, name="edit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report/preview/", views.report_preview, name="report_preview"),
    path("<int:pk>/act/<slug:action>/", views.scenario_act, name="act"),
]
