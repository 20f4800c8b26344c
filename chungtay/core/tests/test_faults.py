"""Faults: a killed process leaves no partial data; a full disk refuses an upload cleanly."""

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import Document

ROOT = Path(__file__).resolve().parents[3]

# A long "import" inside one transaction: it writes rows, says so, then keeps working until killed.
SLOW_WRITER = """
import sys, time
from django.db import transaction
from chungtay.orgunits.models import OrgUnit
from chungtay.orgunits.services import unit_create
town = OrgUnit.objects.get(name="Điện Bàn")
with transaction.atomic():
    for i in range(30):
        unit_create(actor=None, parent=town, level=3, kind="xa", name=f"Xã Tạm {i}")
    print("WROTE", flush=True)
    time.sleep(120)
"""


def run(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=300, check=True)  # fmt: skip


def test_kill_9_in_the_middle_of_an_import_leaves_nothing_behind(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_MEDIA_ROOT": str(tmp_path)}
    env.pop("PYTEST_VERSION", None)
    run(env, "migrate", "-v0")
    seed = (
        "from chungtay.orgunits.services import unit_create as u\n"
        "p = u(actor=None, parent=None, level=1, kind='tinh', name='Quảng Nam')\n"
        "u(actor=None, parent=p, level=2, kind='thi_xa', name='Điện Bàn')\n"
    )
    run(env, "shell", "-v", "0", "-c", seed)
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SLOW_WRITER], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout is not None
        line = writer.stdout.readline()
        assert "WROTE" in line
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(30)
    finally:
        if writer.poll() is None:
            writer.kill()
    count_units = "from chungtay.orgunits.models import OrgUnit; print(OrgUnit.objects.count())"
    count = run(env, "shell", "-v", "0", "-c", count_units).stdout.strip()
    assert count == "2"


def test_a_full_disk_refuses_an_upload_with_a_clear_error_and_no_row(people, tree, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def disk_full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    with pytest.raises(DomainError, match="hết chỗ"):
        document_upload(actor=people.commune_a_staff, unit=tree.commune_a, upload=io.BytesIO(b"%PDF-1.4 x"),
                        name="bien-ban.pdf", kind="minutes", title="Biên bản")  # fmt: skip
    assert Document.objects.count() == 0
    assert not any(tmp_path.rglob("*.pdf"))
