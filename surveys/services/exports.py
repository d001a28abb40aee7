"""Exports of a form's answers, written by a worker."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi import spreadsheets
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_enqueue, job_run
from bianzhi.models import User
from evaluations import events

from .. import exporters, rules
from ..models import Export, Form, SurveyResponse
from ..selectors import staff_comments_for_export, staff_tallies_for_export

EXPORT_CHUNK = 2000


@transaction.atomic
def export_request(*, form: Form, format: str, actor: User) -> Export:
    """Record an export and enqueue it on commit. The same request again while the first is still waiting or
    running (a double click) gets that first export; with the broker down it waits for the sweep."""
    if format not in Export.Format.values:
        raise ApplicationError(_("不支持的导出格式"))
    if form.kind == Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("评估表请在各单位的评估表页面查看"))
    key = f"export:{form.pk}:{format}:{actor.pk}"
    active = Export.objects.select_for_update().filter(idempotency_key=key, status__in=[Export.Status.QUEUED, Export.Status.RUNNING]).first()
    if active is not None and active.is_active:
        if active.may_resend:  # never sent (broker down) or not taken yet: the sweep would; try now too
            job_enqueue(active)
        return active
    if active is not None:  # stuck past its limit: let it go, a fresh export replaces it
        Export.objects.filter(pk=active.pk).update(idempotency_key="")
    export = Export.objects.create(form=form, format=format, requested_by=actor, idempotency_key=key)
    events.event_export_requested(form=form, actor=actor, format=format)
    job_enqueue(export)
    return export


def _export_columns(form: Form) -> list[exporters.QuestionColumns]:
    return [
        exporters.QuestionColumns(code=q.code, text=q.text, type=q.type, choices=tuple(map(tuple, q.choices)),
                                  number=n, rows=tuple((r["code"], r["label"]) for r in q.rows),
                                  other=bool(q.other_choices))
        for n, q in enumerate(form.questions.all(), start=1)
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
    prefix = [_("单位代码"), _("单位名称"), _("服务窗口"), _("提交日期"), _("作答过快"), _("全部同一选项"), _("同一网络提交过多"),
              _("提交时未能防刷校验"), _("已作废"), _("作废原因")]
    yield exporters.header_rows(prefix, questions)
    responses = (SurveyResponse.objects.filter(form=form).select_related("target__unit").prefetch_related("answers__question")
                 .order_by("target__unit__code", "submitted_on", "id"))
    for response in responses.iterator(chunk_size=EXPORT_CHUNK):
        answers = {a.question.code: a.value for a in response.answers.all()}
        others = {a.question.code: a.text for a in response.answers.all() if a.text and a.question.other_choices}
        unit = response.target.unit
        head = [unit.code, unit.name, response.window, response.submitted_on.isoformat(), int(response.too_fast),
                int(response.straight_lined), int(response.busy_network), int(response.unchecked),
                int(response.is_voided), response.void_reason]
        yield exporters.data_row(head, questions, answers, others)
        progress.tick()


def _staff_export_rows(form: Form, progress: _Progress) -> Iterator[list]:
    """The staff assessment: released counts per unit, question and option (units above the threshold), then
    the released comments, each on its own row, in the random order of their keys: never a sheet, no day."""
    yield [_("单位代码"), _("单位名称"), _("题目"), _("选项"), _("人数"), _("平均分"), _("意见建议")]
    for tally in staff_tallies_for_export(form=form):
        unit, question = tally.target.unit, tally.question
        mean = rules.plain(round(tally.total / tally.count, 2)) if question.type == "score" and tally.count else ""
        yield [unit.code, unit.name, question.text, _tally_label(question, tally.choice), tally.count, mean, ""]
        progress.tick()
    for comment in staff_comments_for_export(form=form):
        unit = comment.target.unit
        yield [unit.code, unit.name, comment.question.text, "", "", "", comment.text]
        progress.tick()


def _tally_label(question, choice: str) -> str:
    """A tally's option as a label; a matrix's "<row>:<option>" as "row label：option label"."""
    if question.is_matrix:
        row, _sep, value = choice.partition(":")
        return f"{question.row_labels.get(row, row)}{_('：')}{question.choice_labels.get(value, value)}"
    return question.choice_labels.get(choice, "")


def _write_xlsx(out, rows: Iterator[list], form: Form) -> None:
    workbook = spreadsheets.workbook(write_only=True)  # streams rows: memory does not grow with the answers
    sheet = workbook.create_sheet(_("答卷"))
    for row in rows:
        spreadsheets.append(sheet, row)
    book = workbook.create_sheet(_("编码说明"))
    questions = _export_columns(form)
    for row in exporters.codebook(questions):
        spreadsheets.append(book, row)
    workbook.save(out)


def export_write(export: Export, progress) -> dict:
    """The job's work (bianzhi.jobs.job_run claims the row and records READY or FAILED)."""
    export = Export.objects.select_related("form__campaign").get(pk=export.pk)
    counter = _Progress(export_id=export.pk, total=SurveyResponse.objects.filter(form=export.form).count())
    rows = _export_rows(export.form, counter)
    with tempfile.TemporaryFile() as out:
        if export.format == Export.Format.CSV:
            for chunk in exporters.csv_bytes(rows):
                out.write(chunk)
        else:
            _write_xlsx(out, rows, export.form)
        out.seek(0)
        name = f"{export.form.campaign.year}-{export.form.kind}-{export.pk}.{export.format}"
        export.file.save(name, File(out), save=False)
    return {"file": export.file.name, "rows": counter.rows}

@spreadsheets.exporter
def export_build(*, export_id: int) -> Export:
    """Write the export now, in this process (a worker runs the same through bianzhi.jobs); a no-op when done."""
    job_run(Export, export_id)
    return Export.objects.get(pk=export_id)
