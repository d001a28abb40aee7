"""Every scheduled task names a task the worker knows (a typo would be dropped silently by beat)."""

from django.conf import settings

from bianzhi.celery import app


def test_every_beat_entry_names_a_registered_task_and_the_pool_sweep_runs_daily():
    app.loader.import_default_modules()
    known = set(app.tasks)
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= known, sorted(known)
    assert schedule["sweep-pool"]["task"] == "scoring.tasks.pool_sweep_task"
    assert schedule["sweep-pool"]["schedule"] == 24 * 3600
