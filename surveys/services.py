"""Issuing forms and taking their answers."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import Campaign, CampaignEvent
from evaluations.services import event_record

from .defaults import SATISFACTION_FORM, SATISFACTION_SCALE
from .models import Answer, Form, Question, SurveyLink, SurveyResponse
from .selectors import form_questions


@transaction.atomic
def satisfaction_form_issue(*, campaign: Campaign, actor: User) -> Form:
    """Create the campaign's satisfaction form from the default and one public link per unit (idempotent)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise ApplicationError(_("评估活动已结束，不能再发放表册"))
    form, created = Form.objects.get_or_create(
        campaign=campaign, kind=Form.Kind.SATISFACTION,
        defaults={"title": SATISFACTION_FORM["title"], "intro": SATISFACTION_FORM["intro"]},
    )
    if created:
        Question.objects.bulk_create(
            Question(
                form=form, position=position, code=q["code"], text=q["text"],
                type=q.get("type", Question.Type.SINGLE_CHOICE),
                choices=SATISFACTION_SCALE if q.get("type") is None else [],
                required=q.get("required", True), dimension=q.get("dimension", ""),
                counts_for_satisfaction=q.get("type") is None,
            )
            for position, q in enumerate(SATISFACTION_FORM["questions"], start=1)
        )
    existing = set(form.links.values_list("target_id", flat=True))
    new_links = [SurveyLink(form=form, target=t) for t in campaign.targets.exclude(pk__in=existing)]
    SurveyLink.objects.bulk_create(new_links)
    if new_links:
        event_record(
            campaign=campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
            data={"form": form.kind, "links": len(new_links)},
        )
    return form


def survey_answers_clean(*, questions: list[Question], data: Mapping[str, str]) -> dict[str, str]:
    """Check every answer against its question. Raises ValidationError keyed by question code."""
    errors, cleaned = {}, {}
    for question in questions:
        value = (data.get(question.code) or "").strip()
        if not value:
            if question.required:
                errors[question.code] = _("请回答此题")
            continue
        if question.type == Question.Type.SINGLE_CHOICE and value not in question.choice_values:
            errors[question.code] = _("所选选项无效，请重新选择")
            continue
        if question.type == Question.Type.LONG_TEXT and len(value) > 2000:
            errors[question.code] = _("请将文字控制在 2000 字以内")
            continue
        cleaned[question.code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_response_submit(*, link: SurveyLink, data: Mapping[str, str]) -> SurveyResponse:
    """Save one public answer sheet, all of it or nothing."""
    form = link.form
    if not link.is_active or not form.is_open():
        raise ApplicationError(_("该表册当前不在填报时间内"))
    questions = form_questions(form=form)
    cleaned = survey_answers_clean(questions=questions, data=data)
    response = SurveyResponse.objects.create(form=form, target_id=link.target_id)
    Answer.objects.bulk_create(
        Answer(
            response=response, question=q,
            choice=cleaned[q.code] if q.type == Question.Type.SINGLE_CHOICE else "",
            text=cleaned[q.code] if q.type == Question.Type.LONG_TEXT else "",
        )
        for q in questions
        if q.code in cleaned
    )
    return response
