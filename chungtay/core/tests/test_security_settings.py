"""Security headers on every page, and production settings that pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, people):
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()  # every script is a file under static/


def test_uploaded_files_keep_their_own_sandbox_policy(client, people, tree, settings, tmp_path):
    import io

    from chungtay.core.documents import document_upload

    settings.MEDIA_ROOT = tmp_path
    doc = document_upload(
        actor=people.commune_a_staff,
        unit=tree.commune_a,
        upload=io.BytesIO(b"%PDF-1.4 x"),
        name="a.pdf",
        kind="minutes",
        title="Biên bản",
    )
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("core:document_download", args=[doc.pk]))
    assert "sandbox" in response["Content-Security-Policy"]


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-like-secret-key-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "chungtay.example.vn",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture; never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_the_api_docs_load_their_scripts_as_files_under_the_policy(client, db):
    response = client.get("/api/docs/")
    body = response.content.decode()
    assert response.status_code == 200 and "/static/drf_spectacular_sidecar/" in body
    assert "<script>" not in body.replace(" ", "") and "cdn.jsdelivr" not in body
    assert client.get("/api/docs/?script=")["Content-Type"].startswith("application/javascript")
