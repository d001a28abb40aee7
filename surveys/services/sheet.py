"""The evaluation sheet (评估表): evaluators' scores, combined, signed off by the lead."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.models import CampaignTarget, Upload
from evaluations.services import upload_current, upload_store
from evaluations.sheet_workbook import EVALUATION_SHEET, ReadBack, indicator_workbook_read

from ..models import Form, Question, SheetEntry, SheetSignoff
from ..selectors import sheet_combined, sheet_scales
from .answers import score_clean

# Questions of the sheet that take files: an indicator's score (its evidence) and a file question.
FILE_TAKING_TYPES = frozenset({Question.Type.SCORE, Question.Type.FILE})


def _sheet_actor_check(actor: User, target: CampaignTarget) -> None:
    """The evaluators of the unit's team (and administrators) fill its sheet: the workflow's own rule."""
    if not access.may(actor, "sheet.fill", target):
        raise PermissionDenied(_("只有负责该单位的评估组成员可以填写评估表"))


def _sheet_check(form: Form, target: CampaignTarget) -> None:
    if form.kind != Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("这不是评估表"))
    if target.campaign_id != form.campaign_id:
        raise ApplicationError(_("该单位不在本次评估活动中"))
    campaign_writable(form.campaign, "sheet")
    if SheetSignoff.objects.filter(form=form, target=target).exists():
        raise ApplicationError(_("该单位的评估表已由评估组长签署，不能再修改"))


@transaction.atomic
def sheet_entries_save(*, form: Form, target: CampaignTarget, evaluator: User, data: Mapping) -> int:
    """Save what the evaluator has entered so far (a draft on the server): every filled score and its reason.

    Scores outside an indicator's range are refused, never clamped; nothing is saved unless all are valid.
    Returns the number of indicators saved.
    """
    _sheet_actor_check(evaluator, target)
    form = Form.objects.select_for_update().get(pk=form.pk)
    _sheet_check(form, target)
    errors: dict[str, str] = {}
    rows: list[tuple[Question, Decimal, str]] = []
    for question in form.questions.filter(type=Question.Type.SCORE):
        raw = (data.get(question.code) or "").strip()
        reason = (data.get(f"{question.code}_reason") or "").strip()
        if not raw:
            if reason:
                errors[question.code] = _("填写了理由，请同时打分")
            continue
        try:
            rows.append((question, score_clean(question, raw), reason[:2000]))
        except ValidationError as exc:
            errors[question.code] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    saved = {(e.question_id): (e.score, e.reason) for e in SheetEntry.objects.filter(
        question__form=form, target=target, evaluator=evaluator)}
    changed = [(q, score, reason) for q, score, reason in rows if saved.get(q.pk) != (score, reason)]
    for question, score, reason in changed:
        SheetEntry.objects.update_or_create(
            question=question, target=target, evaluator=evaluator, defaults={"score": score, "reason": reason}
        )
    if changed:  # saving the page unchanged records nothing
        events.event_sheet_saved(form=form, target=target, actor=evaluator,
                                 indicators=[q.indicator or q.code for q, *_r in changed])
    return len(rows)


@transaction.atomic
def sheet_file_add(
    *, form: Form, target: CampaignTarget, question: Question, actor: User, data: bytes, name: str,
    replaces: Upload | None = None,
) -> Upload:
    """An evaluator's own file for one indicator (or file question) of the unit's sheet, through the upload
    machinery of the workflow: checked by content and size, stored privately, versioned, audited.

    `replaces`: the evaluator's earlier file, kept as the previous version (never overwritten).
    """
    _sheet_actor_check(actor, target)
    form = Form.objects.select_for_update().get(pk=form.pk)
    _sheet_check(form, target)
    if question.form_id != form.pk or question.type not in FILE_TAKING_TYPES:
        raise ApplicationError(_("该题目不能上传附件"))
    if replaces is not None:
        replaces = Upload.objects.select_for_update(of=("self",)).get(pk=replaces.pk)
        if (replaces.target_id, replaces.purpose, replaces.question_code) != (
                target.pk, Upload.Purpose.SHEET_EVIDENCE, question.code):
            raise ApplicationError(_("只能替换本题的附件"))
        if replaces.uploaded_by_id != actor.pk:
            raise PermissionDenied(_("只能替换自己上传的附件"))
        if upload_current(replaces).pk != replaces.pk:
            raise ApplicationError(_("该文件已有更新的版本，请替换最新版本"))
    return upload_store(
        target=target, actor=actor, purpose=Upload.Purpose.SHEET_EVIDENCE, indicator_code=question.indicator[:16],
        question_code=question.code, data=data, name=name, replaces=replaces,
    )


@transaction.atomic
def sheet_signoff(*, form: Form, target: CampaignTarget, actor: User) -> SheetSignoff:
    """The lead evaluator signs the unit's sheet off: the combined scores are frozen, entries locked."""
    form = Form.objects.select_for_update().get(pk=form.pk)
    _sheet_check(form, target)
    if form.lead_evaluator_id is None or actor.pk != form.lead_evaluator_id:
        raise PermissionDenied(_("只有评估组长可以签署评估表"))
    combined, _flagged = sheet_combined(form=form, target=target)
    missing = [q.text for q in form.questions.filter(type=Question.Type.SCORE) if q.code not in combined]
    if missing:
        raise ApplicationError(
            _("还有 %(n)s 项指标没有%(who)s评分，例如：%(first)s")
            % {"n": len(missing), "who": _("组长") if form.combine == Form.Combine.LEAD else "", "first": missing[0]}
        )
    with_files = set(target.uploads.filter(purpose=Upload.Purpose.SHEET_EVIDENCE).values_list("question_code", flat=True))
    no_file = [q.text for q in form.questions.filter(type=Question.Type.FILE, required=True) if q.code not in with_files]
    if no_file:
        raise ApplicationError(_("必答的附件题还没有上传文件：%(q)s") % {"q": _("、").join(no_file)})
    signoff = SheetSignoff.objects.create(
        form=form, target=target, signed_by=actor, scores={code: str(score) for code, score in combined.items()}
    )
    events.event_sheet_signed(form=form, target=target, actor=actor, method=form.combine,
                              method_label=str(form.get_combine_display()))
    return signoff


@transaction.atomic
def sheet_settings_update(*, form: Form, combine: str, spread_limit: Decimal, lead_evaluator: User | None, actor: User) -> Form:
    form = Form.objects.select_for_update().get(pk=form.pk)
    if form.kind != Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("这不是评估表"))
    campaign_writable(form.campaign, "forms")
    if form.signoffs.exists():
        raise ApplicationError(_("已有单位的评估表签署，合成方式不能再修改"))
    if combine not in Form.Combine.values:
        raise ApplicationError(_("未知的合成方式"))
    if spread_limit < 0:
        raise ApplicationError(_("分差提示阈值不能为负数"))
    if lead_evaluator is not None and not access.may(lead_evaluator, "team.member"):
        raise ApplicationError(_("评估组长必须是评估人员"))
    before = {"combine": form.combine, "spread_limit": form.spread_limit, "lead": form.lead_evaluator_id}
    if before == {"combine": combine, "spread_limit": spread_limit, "lead": getattr(lead_evaluator, "pk", None)}:
        return form  # saved unchanged: nothing to record
    form.combine, form.spread_limit, form.lead_evaluator = combine, spread_limit, lead_evaluator
    form.save(update_fields=["combine", "spread_limit", "lead_evaluator", "updated_at"])
    events.event_sheet_settings_changed(form=form, actor=actor, before=before,
                                        after={"combine": combine, "spread_limit": spread_limit, "lead": form.lead_evaluator_id})
    return form




def sheet_import(*, form: Form, target: CampaignTarget, evaluator: User, data: bytes) -> ReadBack:
    """Fill the evaluator's entries of one unit's sheet from its xlsx: all rows or none (the same checks as the
    page: who, the stage, not yet signed, each score on its scale). With issues, nothing is saved."""
    _sheet_actor_check(evaluator, target)
    _sheet_check(form, target)
    scales = sheet_scales(form)
    read = indicator_workbook_read(data, layout=EVALUATION_SHEET, scales={c: s for c, (_q, s) in scales.items()},
                                   names={c: q.text for c, (q, _s) in scales.items()})
    if read.issue_total or not read.values:
        return read
    answers = {}
    for code, (value, note) in read.values.items():
        question = scales[code][0]
        answers[question.code], answers[f"{question.code}_reason"] = str(value), note
    sheet_entries_save(form=form, target=target, evaluator=evaluator, data=answers)
    return read
