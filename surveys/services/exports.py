"""Exports of a form's answers, written by a worker."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from bianzhi import spreadsheets
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import CampaignEvent
from evaluations.services import event_record

from .. import exporters
from ..models import Export, Form, SurveyResponse


EXPORT_CHUNK = 2000


@transaction.atomic
def export_request(*, form: Form, format: str, actor: User) -> Export:
    if format not in Export.Format.values:
        raise ApplicationError(_("不支持的导出格式"))
    if form.kind == Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("评估表请在各单位的评估表页面查看"))
    export = Export.objects.create(form=form, format=format, requested_by=actor)
    event_record(campaign=form.campaign, type=CampaignEvent.Type.EXPORT_REQUESTED, actor=actor,
                 data={"action": "export_requested", "form": form.kind, "format": format})
    from ..tasks import export_build_task  # here: the task module imports this one

    transaction.on_commit(lambda: export_build_task.delay(export.pk))
    return export


def _export_columns(form: Form) -> list[exporters.QuestionColumns]:
    return [
        exporters.QuestionColumns(code=q.code, text=q.text, type=q.type, choices=tuple(map(tuple, q.choices)))
        for q in form.questions.all()
    ]


@dataclass
class _Progress:
    export_id: int
    total: int
    rows: int = 0

    def tick(self) -> None:
        self.rows += 1
        if self.rows % EXPORT_CHUNK == 0:
            Export.objects.filter(pk=self.export_id).update(progress=min(99, 100 * self.rows // max(self.total, 1)), rows=self.rows)


def _export_rows(form: Form, progress: _Progress) -> Iterator[list]:
    """Header, then one row per answer sheet. The staff assessment's rows come in the order of their random
    keys (a shuffle unrelated to when they came), by day at most, and only for units above the threshold."""
    questions = _export_columns(form)
    anonymous = form.kind == Form.Kind.STAFF_ASSESSMENT
    prefix = ["单位代码", "单位名称", "提交日期"] if anonymous else [
        "单位代码", "单位名称", "服务窗口", "提交日期", "作答过快", "全部同一选项", "同一网络提交过多", "已作废", "作废原因"]
    yield exporters.header_rows(prefix, questions)
    responses = SurveyResponse.objects.filter(form=form).select_related("target__unit").prefetch_related("answers__question")
    if anonymous:
        enough = (
            SurveyResponse.objects.filter(form=form).values("target_id").annotate(n=Count("id"))
            .filter(n__gte=settings.SURVEY_MIN_RESPONSES_FOR_STATS).values("target_id")
        )
        responses = responses.filter(target_id__in=enough).order_by("target__unit__code", "id")
    else:
        responses = responses.order_by("target__unit__code", "submitted_on", "id")
    for response in responses.iterator(chunk_size=EXPORT_CHUNK):
        answers = {a.question.code: a.value for a in response.answers.all()}
        unit = response.target.unit
        head = [unit.code, unit.name, response.submitted_on.isoformat()] if anonymous else [
            unit.code, unit.name, response.window, response.submitted_on.isoformat(), int(response.too_fast),
            int(response.straight_lined), int(response.busy_network), int(response.is_voided), response.void_reason]
        yield exporters.data_row(head, questions, answers)
        progress.tick()


def _write_xlsx(out, rows: Iterator[list], form: Form) -> None:
    workbook = spreadsheets.workbook(write_only=True)  # streams rows: memory does not grow with the answers
    sheet = workbook.create_sheet("答卷")
    for row in rows:
        spreadsheets.append(sheet, row)
    book = workbook.create_sheet("题目说明")
    questions = _export_columns(form)
    for row in exporters.codebook(questions):
        spreadsheets.append(book, row)
    workbook.save(out)


@spreadsheets.exporter
def export_build(*, export_id: int) -> Export:
    """Write the export file. Idempotent: a redelivered task finds it ready and does nothing."""
    export = Export.objects.select_related("form__campaign").get(pk=export_id)
    if export.status == Export.Status.READY:
        return export
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, progress=0, updated_at=timezone.now())
    progress = _Progress(export_id=export.pk, total=SurveyResponse.objects.filter(form=export.form).count())
    rows = _export_rows(export.form, progress)
    try:
        with tempfile.TemporaryFile() as out:
            if export.format == Export.Format.CSV:
                for chunk in exporters.csv_bytes(rows):
                    out.write(chunk)
            else:
                _write_xlsx(out, rows, export.form)
            out.seek(0)
            name = f"{export.form.campaign.year}-{export.form.kind}-{export.pk}.{export.format}"
            export.file.save(name, File(out), save=False)
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error=repr(exc)[:2000])
        raise
    export.status, export.progress, export.rows, export.error = Export.Status.READY, 100, progress.rows, ""
    export.save(update_fields=["file", "status", "progress", "rows", "error", "updated_at"])
    return export

