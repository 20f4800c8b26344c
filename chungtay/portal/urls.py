from django.urls import path, re_path

from chungtay.funds.public_views import receipt_trace

from . import views
from .caching import public_page

# Every public page is cacheable by browsers, nginx and the shared cache (portal/caching.py).
app_name = "portal"
urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("don-vi/<int:pk>/", public_page(views.unit), name="unit"),
    path("ban-do.json", public_page(views.map_cells), name="map_cells"),
    path("ung-ho/", public_page(views.receipts, htmx=True), name="receipts"),
    path("ung-ho/<int:pk>/", public_page(receipt_trace), name="receipt_trace"),
    path("ho/", public_page(views.households), name="households"),
    path("ho/<str:code>/", public_page(views.household), name="household"),
    path("anh/<int:pk>/", public_page(views.photo), name="photo"),
    path("nha-da-hoan-thanh/", public_page(views.gallery), name="gallery"),
    path("mo-hinh-hay/", public_page(views.good_models), name="good_models"),
    path("cach-ung-ho/", public_page(views.donate), name="donate"),
    path("gop-y-khieu-nai/", public_page(views.complain), name="complain"),
    path("du-lieu/", public_page(views.open_data), name="open_data"),
    re_path(
        r"^du-lieu/(?P<dataset>receipts|allocations|households|progress|units-summary)\.(?P<fmt>csv|json)$",
        public_page(views.download),
        name="download",
    ),
]
