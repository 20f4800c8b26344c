"""The funds app's background job, on the reports queue (`manage.py db_worker --queue-name reports reminders`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="reports")
def fold_books_task() -> int:
    """Fold the entries posted since the last fold into the funds' kept book totals (funds.books)."""
    from .books import fold_books  # books enqueues this task: imported when it runs

    return fold_books()
