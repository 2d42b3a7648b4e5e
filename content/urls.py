from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/diff/", views.item_diff, name="item_diff"),
    path("items/<int:pk>/record/", views.review_record, name="review_record"),
    path("items/<int:pk>/act/<slug:action>/", views.item_act, name="item_act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("lexicon/", views.lexicon, name="lexicon"),
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/new/", views.chain_new, name="chain_new"),
    path("chains/<int:pk>/", views.chain_detail, name="chain_detail"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_new, name="training_new"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/read/", views.training_read, name="training_read"),
    path("training/<int:pk>/remind/", views.training_remind, name="training_remind"),
    path("training/files/<int:pk>/", views.training_file, name="training_file"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/act/<slug:action>/", views.feedback_act, name="feedback_act"),
    # Residents' pages: no sign-in, nothing personal, cacheable.
    path("public/<str:code>/", views.public_village, name="public_village"),
    path("public/<str:code>/<int:pk>/", views.public_item, name="public_item"),
    path("public/<str:code>/<int:item>/files/<int:pk>/", views.public_file, name="public_file"),
]
