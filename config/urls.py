from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from chungtay.core import views as core_views
from chungtay.frame import views as frame_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("bang-dieu-khien/", frame_views.dashboard, name="dashboard"),
    # CSRF-exempt: choosing the language is harmless to forge, and public pages (cached for everyone,
    # portal/caching.py) carry no token to send with it.
    path("i18n/setlang/", csrf_exempt(core_views.set_language), name="set_language"),
    path("tai-khoan/", include("chungtay.accounts.urls")),
    path("don-vi/", include("chungtay.orgunits.urls")),
    path("sap-xep/", include("chungtay.reorg.urls")),
    path("", include("chungtay.core.urls")),
    path("phong-trao/", include("chungtay.campaigns.urls")),
    path("nha-o/", include("chungtay.housing.urls")),
    path("to-chuc-thanh-vien/", include("chungtay.members.urls")),
    path("quy/", include("chungtay.funds.urls")),
    path("danh-gia/", include("chungtay.evaluation.urls")),
    path("bao-cao/", include("chungtay.reports.urls")),
    path("cong-khai/", include("chungtay.portal.urls")),
    path("api/", include("chungtay.api.urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "chungtay.core.views.permission_denied"
handler404 = "chungtay.core.views.page_not_found"
handler500 = "chungtay.core.views.server_error"
