"""The audit trail is append-only everywhere; notifications reach the right people, once."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import AuditTrailImmutable, Campaign, CampaignEvent, Notification
from evaluations.notifications import deadline_reminders_send

from .conftest import advance_to, fill_and_submit

pytestmark = pytest.mark.django_db


def test_events_cannot_be_edited_or_deleted_through_the_model(world):
    event = world.campaign.events.first()
    event.data = {"forged": True}
    with pytest.raises(AuditTrailImmutable):
        event.save()
    with pytest.raises(AuditTrailImmutable):
        event.delete()
    with pytest.raises(AuditTrailImmutable):
        CampaignEvent.objects.filter(pk=event.pk).update(data={})
    with pytest.raises(AuditTrailImmutable):
        CampaignEvent.objects.all().delete()
    assert CampaignEvent.objects.get(pk=event.pk).data != {"forged": True}


def test_postgresql_refuses_raw_updates_and_deletes_of_events(world, postgres):
    event = world.campaign.events.first()
    for sql in ("UPDATE evaluations_campaignevent SET data = '{}' WHERE id = %s",
                "DELETE FROM evaluations_campaignevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert CampaignEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_shows_events_but_cannot_change_or_delete_them(world, admin_client):
    event = world.campaign.events.first()
    assert admin_client.get(reverse("admin:evaluations_campaignevent_changelist")).status_code == 200
    assert admin_client.post(reverse("admin:evaluations_campaignevent_change", args=[event.pk]), {}).status_code == 403
    assert admin_client.post(reverse("admin:evaluations_campaignevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    assert CampaignEvent.objects.filter(pk=event.pk).exists()


def test_every_step_is_in_the_trail_with_before_and_after(world):
    advance_to(world, Campaign.Status.NOTICE)
    services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator,
                                    deadlines={"self_assessment": date(2026, 6, 30)})
    changes = world.campaign.events.filter(type=CampaignEvent.Type.STATUS_CHANGED).get().data
    assert changes == {"from": "plan", "to": "notice"}
    deadline = world.campaign.events.filter(type=CampaignEvent.Type.DEADLINES_SET).get()
    assert deadline.data["deadlines"]["self_assessment"] == {"from": None, "to": "2026-06-30"}
    assert deadline.actor == world.evaluator


def test_deadline_reminders_reach_only_who_is_behind_and_only_once(world, mailoutbox, settings):
    settings.NOTIFICATIONS_BY_EMAIL = True
    world.liaison.email = "jia@example.cn"
    world.liaison.save()
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    today = date(2026, 6, 27)
    services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator,
                                    deadlines={"self_assessment": today + timedelta(days=3),
                                               "field_visit": today + timedelta(days=30)})
    fill_and_submit(world, world.other, world.other_liaison)  # 乙局 is done: no reminder for it

    with pytest.MonkeyPatch.context() as mp, transaction.atomic():
        mp.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
        assert deadline_reminders_send(today=today) == 1
    assert deadline_reminders_send(today=today + timedelta(days=1)) == 0  # already reminded
    reminder = Notification.objects.get(kind=Notification.Kind.DEADLINE)
    assert reminder.user == world.liaison and "部门自评" in reminder.title
    assert mailoutbox and mailoutbox[0].to == ["jia@example.cn"]


def test_the_liaisons_home_lists_the_notice_the_deadlines_and_the_tasks(world, client):
    advance_to(world, Campaign.Status.NOTICE)
    services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator,
                                    deadlines={"self_assessment": date(2026, 6, 30)})
    client.force_login(world.liaison)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "请各单位于月底前完成自评。" in page and "2026年6月30日" in page and "查阅评估通知" in page
    assert "新通知：2026 年度评估" in page  # the in-app notification, unread
    client.get(reverse("evaluations:package", args=[world.target.pk]))
    world.refresh()
    assert world.target.notice_seen_at is not None
    assert world.target.events.filter(type=CampaignEvent.Type.NOTICE_SEEN, actor=world.liaison).count() == 1
    assert "查阅评估通知" not in client.get(reverse("evaluations:workbench")).content.decode()


def test_the_daily_command_sends_reminders_once(world, capsys):
    advance_to(world, Campaign.Status.NOTICE)
    services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator,
                                    deadlines={"notice": timezone.localdate() + timedelta(days=2)})
    call_command("send_deadline_reminders")
    call_command("send_deadline_reminders")
    assert "已发送 2 条截止提醒" in capsys.readouterr().out  # both liaisons have not read the notice
    assert Notification.objects.filter(kind=Notification.Kind.DEADLINE).count() == 2


def test_nobody_deletes_the_trail_by_deleting_what_it_is_about(world):
    with pytest.raises(ProtectedError), transaction.atomic():
        world.campaign.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        world.evaluator.delete()  # they acted: deactivate them instead
    assert world.campaign.events.filter(actor=world.evaluator).exists()
