from django.core.management.base import BaseCommand

from evaluations.notifications import deadline_reminders_send


class Command(BaseCommand):
    help = "提醒尚未完成的单位和评估组：三天内到期的环节（可每天运行，不会重复提醒）。"

    def handle(self, *args, **options):
        sent = deadline_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条截止提醒。"))
