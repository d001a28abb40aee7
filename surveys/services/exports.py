"""Exports of a form's answers, written by a worker."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import CampaignEvent
from evaluations.services import event_record

from .. import exporters, rules
from ..models import Export, Form, SurveyResponse
from ..selectors import staff_comments_for_export, staff_tallies_for_export


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
    """Header, then one row per answer sheet; the staff assessment keeps no sheets (_staff_export_rows)."""
    if form.kind == Form.Kind.STAFF_ASSESSMENT:
        yield from _staff_export_rows(form, progress)
        return
    questions = _export_columns(form)
    prefix = ["单位代码", "单位名称", "服务窗口", "提交日期", "作答过快", "全部同一选项", "同一网络提交过多",
              "提交时未能防刷校验", "已作废", "作废原因"]
    yield exporters.header_rows(prefix, questions)
    responses = (SurveyResponse.objects.filter(form=form).select_related("target__unit").prefetch_related("answers__question")
                 .order_by("target__unit__code", "submitted_on", "id"))
    for response in responses.iterator(chunk_size=EXPORT_CHUNK):
        answers = {a.question.code: a.value for a in response.answers.all()}
        unit = response.target.unit
        head = [unit.code, unit.name, response.window, response.submitted_on.isoformat(), int(response.too_fast),
                int(response.straight_lined), int(response.busy_network), int(response.unchecked),
                int(response.is_voided), response.void_reason]
        yield exporters.data_row(head, questions, answers)
        progress.tick()


def _staff_export_rows(form: Form, progress: _Progress) -> Iterator[list]:
    """The staff assessment: released counts per unit, question and option (units above the threshold), then
    the released comments, each on its own row, in the random order of their keys: never a sheet, no day."""
    yield ["单位代码", "单位名称", "题目编码", "题目", "选项编码", "选项", "人数", "平均分", "意见建议"]
    for tally in staff_tallies_for_export(form=form):
        unit, question = tally.target.unit, tally.question
        mean = rules.plain(round(tally.total / tally.count, 2)) if question.type == "score" and tally.count else ""
        yield [unit.code, unit.name, question.code, question.text, tally.choice,
               question.choice_labels.get(tally.choice, ""), tally.count, mean, ""]
        progress.tick()
    for comment in staff_comments_for_export(form=form):
        unit = comment.target.unit
        yield [unit.code, unit.name, comment.question.code, comment.question.text, "", "", "", "", comment.text]
        progress.tick()


def _write_xlsx(out, rows: Iterator[list], form: Form) -> None:
    workbook = Workbook(write_only=True)  # streams rows: memory does not grow with the number of answers
    sheet = workbook.create_sheet("答卷")
    for row in rows:
        sheet.append(row)
    book = workbook.create_sheet("题目说明")
    questions = _export_columns(form)
    for row in exporters.codebook(questions):
        book.append(row)
    workbook.save(out)


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

