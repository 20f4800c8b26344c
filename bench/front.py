"""Debian's nginx in front of a running application, with the configuration of `deploy/nginx/`.

Used by the nginx test (chungtay/portal/tests/test_nginx.py) and the HTTP bench (bench/http.py). The
files are the production ones; only the paths and ports of docs/operations.md are replaced (upstream
port, static directory, cache directory), and the server listens on a plain-HTTP loopback port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configuration(*, workdir: Path, upstream_port: int, listen_port: int, static_root: Path) -> Path:
    """Write nginx.conf for this run into `workdir`; returns its path."""
    cache = workdir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    http = (DEPLOY / "http.conf").read_text()
    http = http.replace("/var/cache/nginx/chungtay", str(cache)).replace("127.0.0.1:8001", f"127.0.0.1:{upstream_port}")
    locations = (DEPLOY / "locations.conf").read_text().replace("/srv/chungtay/static/", f"{static_root}/")
    (workdir / "http.conf").write_text(http)
    (workdir / "locations.conf").write_text(locations)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the test's private temporary files
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {workdir}/client;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/http.conf;
    server {{
        listen 127.0.0.1:{listen_port};
        server_name localhost;
        include {workdir}/locations.conf;
    }}
}}
"""
    )
    return conf


@contextmanager
def nginx(*, workdir: Path, upstream_port: int, static_root: Path, listen_port: int | None = None) -> Iterator[str]:
    """Run nginx until the block ends; yields its base URL (http://127.0.0.1:<port>)."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    port = listen_port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    conf = configuration(workdir=workdir, upstream_port=upstream_port, listen_port=port, static_root=static_root)
    check = subprocess.run([NGINX, "-t", "-q", "-e", str(workdir / "error.log"), "-c", str(conf)], capture_output=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration: {check.stderr.decode()}")
    process = subprocess.Popen(
        [NGINX, "-e", str(workdir / "error.log"), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {(workdir / 'error.log').read_text()}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
