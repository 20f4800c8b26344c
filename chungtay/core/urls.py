from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("nhat-ky/", views.audit_recent, name="audit_recent"),
    path("nhat-ky/<str:model>/<int:pk>/", views.audit_object, name="audit_object"),
    path("tai-lieu/<int:pk>/", views.document_download, name="document_download"),
]
