"""Production settings (run with DJANGO_DEBUG=0) for the live-server tests, served over plain HTTP.

Only what needs TLS or collected static files differs from production. The database settings are
production's own: persistent connections (CONN_MAX_AGE) checked at the start of each request
(CONN_HEALTH_CHECKS), which is what test_database_loss.py exercises.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
