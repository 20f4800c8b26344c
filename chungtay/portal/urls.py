from django.urls import path, re_path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<int:pk>/", views.unit, name="unit"),
    path("ung-ho/", views.receipts, name="receipts"),
    path("ho/", views.households, name="households"),
    path("ho/<str:code>/", views.household, name="household"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    path("nha-da-hoan-thanh/", views.gallery, name="gallery"),
    path("mo-hinh-hay/", views.good_models, name="good_models"),
    path("cach-ung-ho/", views.donate, name="donate"),
    path("gop-y-khieu-nai/", views.complain, name="complain"),
    path("du-lieu/", views.open_data, name="open_data"),
    re_path(
        r"^du-lieu/(?P<dataset>receipts|allocations|households|progress|units-summary)\.(?P<fmt>csv|json)$",
        views.download,
        name="download",
    ),
]
