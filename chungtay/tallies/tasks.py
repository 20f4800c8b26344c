"""The kept figures' background job, on the reports queue (`manage.py db_worker --queue-name reports reminders`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="reports")
def refresh_figures_task() -> int:
    """Bring the subtree figures up to date after a write (readers also do it before reading)."""
    from .rollup import refresh_pending  # rollup enqueues this task: imported when it runs

    return refresh_pending()
