from django.urls import path

from chungtay.core import import_views

from . import views

UNITS = {"kind": "orgunits"}

app_name = "orgunits"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("tim/", views.search, name="search"),
    # The one import pipeline's steps (core.import_views), for the units list.
    path("nhap/", import_views.upload, UNITS, name="import"),
    path("nhap/mau.csv", views.import_template, name="import_template"),
    path("nhap/<int:batch_id>/kiem-tra/", import_views.check, UNITS, name="import_preview"),
    path("nhap/<int:batch_id>/xac-nhan/", import_views.confirm, UNITS, name="import_confirm"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/cap-duoi/", views.children, name="children"),
    path("<int:pk>/them-cap-duoi/", views.create_child, name="create_child"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/ke-thua/", views.succession_add, name="succession_add"),
    path("<int:pk>/to-chuc-thanh-vien/", views.memberorg_add, name="memberorg_add"),
    path("<int:pk>/to-chuc-thanh-vien/<int:org_pk>/xoa/", views.memberorg_delete, name="memberorg_delete"),
]
