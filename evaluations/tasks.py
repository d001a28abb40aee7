from celery import shared_task

from .notifications import deadline_reminders_send


@shared_task
def deadline_reminders_send_task() -> int:
    """Daily (Celery beat, or cron running `manage.py send_deadline_reminders`); idempotent by design."""
    return deadline_reminders_send()
