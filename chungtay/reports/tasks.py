"""Background jobs (django-tasks, database queue): `manage.py db_worker --queue-name reports reminders`."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task(queue_name="reports")
def run_report_job(job_id: int) -> int | None:
    from .services import report_job_run

    job = report_job_run(job_id)
    return job.progress if job else None


@task(queue_name="reminders")
def send_reminders_task(run_on: str | None = None) -> str:
    """The daily reminders as a job: run_on is an ISO date (None = today)."""
    from .services import send_reminders

    run = send_reminders(today=dt.date.fromisoformat(run_on) if run_on else None)
    return run.summary()


# The kept figures' refresh moved to tallies.tasks (issue 23); a refresh queued under this name before
# the move still finds its task here.
from chungtay.tallies.tasks import refresh_figures_task  # noqa: E402, F401
