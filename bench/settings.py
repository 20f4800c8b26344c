"""Production settings (DJANGO_DEBUG=0) for the benchmark, served over plain HTTP on loopback.

Only what a laptop run needs differs: no HTTPS redirect or secure cookies, and static files
without the manifest (collectstatic currently fails on chart.umd.min.js's missing source map —
see bench/RESULTS.md — and pages are measured without their static files anyway).
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
REQUIRE_2FA = False
