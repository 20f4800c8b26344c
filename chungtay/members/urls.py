from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("hien-vat/", views.in_kind_list, name="in_kind_list"),
    path("hien-vat/them/", views.in_kind_create, name="in_kind_create"),
    path("hien-vat/chon-don-vi/", views.in_kind_unit_picker, name="in_kind_unit_picker"),
    path("hien-vat/chon-to-chuc/", views.in_kind_org_picker, name="in_kind_org_picker"),
    path("hien-vat/<int:pk>/xoa/", views.in_kind_delete, name="in_kind_delete"),
    path("phong-trao/<int:pk>/", views.movement_orgs, name="movement_orgs"),
    path("phong-trao/<int:pk>/to-chuc/<int:org_pk>/dang-ky/", views.register, name="register"),
    path("dang-ky/<int:pk>/ket-qua/", views.results, name="results"),
]
