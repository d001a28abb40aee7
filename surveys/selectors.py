from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from evaluations.models import Campaign

from .defaults import SATISFIED_VALUES
from .models import Answer, Form, Question, SurveyLink, SurveyResponse


@dataclass(frozen=True)
class SatisfactionStats:
    responses: int
    satisfied_answers: int
    valid_answers: int

    @property
    def rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / valid answers."""
        return self.satisfied_answers / self.valid_answers if self.valid_answers else None


EMPTY_STATS = SatisfactionStats(responses=0, satisfied_answers=0, valid_answers=0)


def survey_link_get_by_token(*, token: str) -> SurveyLink:
    return get_object_or_404(SurveyLink.objects.select_related("form", "target__unit"), token=token)


# Per process: a form's questions, keyed by the form's version. Services that change questions save the form
# (bumping updated_at), so a stale entry is never read; the public submit saves a query per answer sheet.
_QUESTIONS: dict[tuple[int, object], list[Question]] = {}


def form_questions(*, form: Form) -> list[Question]:
    key = (form.pk, form.updated_at)
    if key not in _QUESTIONS:
        if len(_QUESTIONS) > 1000:
            _QUESTIONS.clear()
        _QUESTIONS[key] = list(form.questions.all())
    return _QUESTIONS[key]


def satisfaction_form_get(*, campaign: Campaign) -> Form | None:
    return Form.objects.filter(campaign=campaign, kind=Form.Kind.SATISFACTION).first()


def satisfaction_stats_by_target(*, campaign: Campaign) -> dict[int, SatisfactionStats]:
    """Per unit of the campaign: responses and satisfaction answers. Two queries, whatever the number of units."""
    responses = dict(
        SurveyResponse.objects.filter(form__campaign=campaign, form__kind=Form.Kind.SATISFACTION)
        .values_list("target_id")
        .annotate(n=Count("id"))
    )
    answers = (
        Answer.objects.filter(
            question__form__campaign=campaign,
            question__form__kind=Form.Kind.SATISFACTION,
            question__counts_for_satisfaction=True,
        )
        .exclude(choice="")
        .values("response__target_id")
        .annotate(valid=Count("id"), satisfied=Count("id", filter=Q(choice__in=SATISFIED_VALUES)))
    )
    stats = {
        row["response__target_id"]: SatisfactionStats(
            responses=responses.get(row["response__target_id"], 0),
            satisfied_answers=row["satisfied"],
            valid_answers=row["valid"],
        )
        for row in answers
    }
    return stats


def links_by_target(*, form: Form | None) -> dict[int, SurveyLink]:
    if form is None:
        return {}
    return {link.target_id: link for link in form.links.all()}

