from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.audit_recent, name="audit_recent"),
    path("<str:model>/<int:pk>/", views.audit_object, name="audit_object"),
]
