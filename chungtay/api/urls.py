from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("public/units", views.PublicUnitViewSet, basename="public-unit")
router.register("public/receipts", views.PublicReceiptViewSet, basename="public-receipt")
router.register("public/households", views.PublicHouseholdViewSet, basename="public-household")
router.register("public/progress", views.PublicProgressViewSet, basename="public-progress")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("progress", views.ProgressViewSet, basename="progress")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("funds", views.FundViewSet, basename="fund")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: Swagger UI then works under our CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("public/summary/", views.PublicSummaryView.as_view(), name="public-summary"),
    path("", include(router.urls)),
]
