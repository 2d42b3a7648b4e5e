from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/act/<slug:action>/", views.incident_act, name="incident_act"),
    path("incidents/<int:pk>/review/", views.incident_review, name="incident_review"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/act/<slug:action>/", views.plan_act, name="plan_act"),
    path("plans/<int:pk>/diff/", views.plan_diff, name="plan_diff"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/new/", views.drill_new, name="drill_new"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("drills/<int:pk>/complete/", views.drill_complete, name="drill_complete"),
    path("drills/<int:pk>/act/<slug:action>/", views.drill_act, name="drill_act"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/coverage/", views.training_coverage, name="coverage"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
]
