"""Locust users for bench/load.py: staff pages with a ready session, public portal pages without.

With BENCH_REQUESTS set (bench.soak), every request is also written to that file as one line:
seconds since the epoch, response time in ms, 1 if it failed else 0, and its name.
"""

import json
import os
import random
import time

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["BENCH_LOAD"]).read())  # noqa: SIM115
SESSIONS = list(CONFIG["sessions"])
REQUESTS = open(os.environ["BENCH_REQUESTS"], "a", buffering=1) if os.environ.get("BENCH_REQUESTS") else None  # noqa: SIM115


if REQUESTS is not None:

    @events.request.add_listener
    def _write(name: str, response_time: float, exception: BaseException | None, **_: object) -> None:
        REQUESTS.write(f"{time.time():.3f}\t{response_time:.1f}\t{1 if exception else 0}\t{name}\n")


class Visitor(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.cookie = {"Cookie": f"sessionid={SESSIONS.pop() if SESSIONS else CONFIG['sessions'][0]}"}

    @task(3)
    def staff_page(self) -> None:
        if CONFIG["staff"]:
            path = random.choice(CONFIG["staff"])
            self.client.get(path, headers=self.cookie, name=path.split("?")[0] + ("?…" if "?" in path else ""))

    @task(2)
    def public_page(self) -> None:
        if CONFIG["public"]:
            path = random.choice(CONFIG["public"])
            self.client.get(path, name=path.split("?")[0] + ("?q" if "?q=" in path else ""))
