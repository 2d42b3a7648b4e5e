from django.urls import path

from . import views

app_name = "dataassets"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.resource_new, name="new"),
    path("review/", views.review_queue, name="review"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/act/<slug:action>/", views.objection_act, name="objection_act"),
    path("sharing/", views.sharing_list, name="sharing_list"),
    path("sharing/<int:pk>/", views.sharing_detail, name="sharing"),
    path("sharing/<int:pk>/act/<slug:action>/", views.sharing_act, name="sharing_act"),
    path("quality/", views.quality_list, name="quality"),
    path("quality/<int:pk>/", views.quality_detail, name="quality_issue"),
    path("quality/<int:pk>/act/<slug:action>/", views.quality_act, name="quality_act"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/edit/", views.resource_edit, name="edit"),
    path("<int:pk>/items/", views.resource_items, name="items"),
    path("<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/act/<slug:action>/", views.resource_act, name="act"),
    path("<int:pk>/revise/", views.resource_revise, name="revise"),
    path("<int:pk>/report-update/", views.resource_report_update, name="report_update"),
    path("<int:pk>/objections/new/", views.objection_new, name="objection_new"),
    path("<int:pk>/sharing/new/", views.sharing_new, name="sharing_new"),
]
