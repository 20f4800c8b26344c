"""Locust users for bench/load.py: staff pages with a ready session, public portal pages without."""

import json
import os
import random

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["BENCH_LOAD"]).read())  # noqa: SIM115
SESSIONS = list(CONFIG["sessions"])


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
