from django.urls import path

from lifecycle import views

app_name = "lifecycle"

PREFIX = "programs/<slug:slug>/lifecycle/"

urlpatterns = [
    path(PREFIX, views.lifecycle_detail, name="detail"),
    path(f"{PREFIX}gate/", views.gate_panel, name="gate-panel"),
    path(f"{PREFIX}history/", views.history, name="history"),
    path(f"{PREFIX}plan/", views.stage_plan_edit, name="plan-edit"),
    path(f"{PREFIX}ethics-approval/", views.ethics_approval_edit, name="ethics-approval"),
    path(f"{PREFIX}activities/<int:pk>/", views.activity_update, name="activity-update"),
    path(f"{PREFIX}advance/", views.decide, {"decision": "advance"}, name="advance"),
    path(f"{PREFIX}close/", views.decide, {"decision": "close"}, name="close"),
    path(f"{PREFIX}send-back/", views.decide, {"decision": "send_back"}, name="send-back"),
    path(f"{PREFIX}hold/", views.decide, {"decision": "hold"}, name="hold"),
    path(f"{PREFIX}resume/", views.decide, {"decision": "resume"}, name="resume"),
    path(f"{PREFIX}cancel/", views.decide, {"decision": "cancel"}, name="cancel"),
    path(f"{PREFIX}stay/", views.decide, {"decision": "stay"}, name="stay"),
]
