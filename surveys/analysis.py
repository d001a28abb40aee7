"""Results per question, like 问卷星's: counts and percentages for a chart, filtered, with a cross-tab. Reads.

A public form (调查问卷, 服务对象满意度测评表) is read from its valid answer sheets, so it can be filtered by
unit, dimension, date range and another question's answer, and cross-tabulated. The anonymous staff
assessment (测评表) keeps no sheets: it is read from the released tallies of the units above the minimum
count only, and offers no date, answer filter or cross-tab (they would single people out).
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from evaluations.indicators import campaign_dimension_names
from evaluations.models import CampaignTarget

from . import rules
from .models import Answer, BallotBox, Form, Question, StaffTally, SurveyResponse

CHARTS = {
    Question.Type.SINGLE_CHOICE: "pie", Question.Type.MULTIPLE_CHOICE: "bar", Question.Type.MATRIX: "stacked",
    Question.Type.SCORE: "histogram", Question.Type.NUMBER: "histogram", Question.Type.SHORT_TEXT: "words",
    Question.Type.LONG_TEXT: "words", Question.Type.DATE: "bar",
}
HISTOGRAM_BINS = 10
TOP_WORDS = 30
_SPLIT = re.compile(r"[\s,，。.;；:：!！?？、（）()“”\"'《》\[\]【】/\\]+")


@dataclass
class Filters:
    target_id: int | None = None
    dimension: str = ""
    date_from: date | None = None
    date_to: date | None = None
    where_question: str = ""  # only the sheets whose answer to this question …
    where_value: str = ""  # … is (or includes) this option
    by: str = ""  # cross-tabulate every choice question by this one


@dataclass
class QuestionResult:
    question: Question
    number: int
    chart: str
    answered: int = 0
    rows: list[dict] = field(default_factory=list)  # [{"label", "count", "percent"}]
    matrix: dict | None = None  # {"rows": [labels], "series": [{"name", "data": [counts]}], "table": [...]}
    words: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    cross: dict | None = None  # {"by": label, "columns": [labels], "rows": [{"label", "counts", "percents"}]}

    @property
    def chart_data(self) -> dict:
        """What static/surveys/analysis.js draws (labels only: no code reaches the page)."""
        data = {"chart": self.chart, "title": f"{self.number}. {self.question.text}", "rows": self.rows,
                "matrix": self.matrix, "words": self.words, "cross": self.cross}
        return data


@dataclass
class Analysis:
    form: Form
    responses: int
    questions: list[QuestionResult]
    hidden_units: int = 0
    aggregate_only: bool = False
    min_responses: int = 0


def percent(count: int, total: int) -> str:
    return rules.percent(count / total if total else None)


def _rows(labels: list[tuple[str, str]], counts: Counter, total: int) -> list[dict]:
    return [{"label": label, "count": counts.get(code, 0), "percent": percent(counts.get(code, 0), total)}
            for code, label in labels]


def _in_dimension(q: Question, dimension: str) -> bool:
    return not dimension or q.dimension == dimension or any(r.get("dimension") == dimension for r in q.rows)


def _histogram(values: list[Decimal], q: Question) -> list[dict]:
    if not values:
        return []
    low = q.min_score if q.min_score is not None else min(values)
    high = q.max_score if q.max_score is not None else max(values)
    if high <= low:
        return [{"label": rules.plain(low), "count": len(values), "percent": "100.0%"}]
    width = (high - low) / HISTOGRAM_BINS
    counts = Counter(min(int((v - low) / width), HISTOGRAM_BINS - 1) for v in values)
    return [{"label": f"{rules.plain(round(low + width * i, 2))}–{rules.plain(round(low + width * (i + 1), 2))}",
             "count": counts.get(i, 0), "percent": percent(counts.get(i, 0), len(values))} for i in range(HISTOGRAM_BINS)]


def _matrix(q: Question, counts: dict[str, Counter]) -> dict:
    """Rows × options: a stacked bar's series (one per option) and a table with each row's percentages."""
    table = []
    for row in q.rows:
        c = counts.get(row["code"], Counter())
        n = sum(c.values())
        table.append({"label": row["label"], "answered": n,
                      "cells": [{"count": c.get(v, 0), "percent": percent(c.get(v, 0), n)} for v, _l in q.choices]})
    return {"rows": [r["label"] for r in q.rows], "options": [label for _v, label in q.choices],
            "series": [{"name": label, "data": [counts.get(r["code"], Counter()).get(v, 0) for r in q.rows]}
                       for v, label in q.choices], "table": table}


def _words(texts: list[str]) -> list[tuple[str, int]]:
    """The phrases written most often (split at punctuation and spaces; no dictionary needed)."""
    counts = Counter(p for t in texts for p in _SPLIT.split(t) if len(p) >= 2)
    return counts.most_common(TOP_WORDS)


def form_analysis(*, form: Form, filters: Filters) -> Analysis:
    questions = list(form.questions.all())
    if form.is_staff_assessment:
        return _staff_analysis(form, questions, filters)
    sheets = SurveyResponse.objects.filter(form=form, is_voided=False)
    if filters.target_id:
        sheets = sheets.filter(target_id=filters.target_id)
    if filters.date_from:
        sheets = sheets.filter(submitted_on__gte=filters.date_from)
    if filters.date_to:
        sheets = sheets.filter(submitted_on__lte=filters.date_to)
    by_code = {q.code: q for q in questions}
    where = by_code.get(filters.where_question)
    if where is not None and where.is_choice and filters.where_value:
        chosen = Answer.objects.filter(question=where)
        chosen = (chosen.filter(choice=filters.where_value) if where.is_single_choice
                  else chosen.filter(choices__contains=[filters.where_value]))
        sheets = sheets.filter(pk__in=chosen.values("response_id"))
    answers: dict[int, list] = defaultdict(list)  # question id → [(response id, answer)]
    rows = (Answer.objects.filter(response__in=sheets)
            .values_list("response_id", "question_id", "choice", "choices", "number", "text"))
    for response_id, question_id, choice, choices, number, text in rows.iterator(chunk_size=5000):
        answers[question_id].append((response_id, choice, choices, number, text))
    by = by_code.get(filters.by)
    by_answer: dict[int, set[str]] = {}
    if by is not None and by.is_choice:
        for response_id, choice, choices, _n, _t in answers.get(by.pk, []):
            by_answer[response_id] = {choice} if by.is_single_choice else set(choices or [])
    results = []
    for number, q in enumerate(questions, start=1):
        if not _in_dimension(q, filters.dimension) or q.is_file:
            continue
        given = answers.get(q.pk, [])
        result = QuestionResult(question=q, number=number, chart=CHARTS.get(q.type, "none"), answered=len(given))
        if q.is_choice:
            counts = Counter()
            for _r, choice, choices, _n, _t in given:
                counts.update([choice] if q.is_single_choice else choices or [])
            result.rows = _rows(q.choices, counts, len(given))
            if by is not None and by.pk != q.pk and by_answer:
                result.cross = _cross(q, by, given, by_answer)
        elif q.is_matrix:
            per_row: dict[str, Counter] = defaultdict(Counter)
            for _r, _c, choices, _n, _t in given:
                for row, value in (choices or {}).items():
                    per_row[row][value] += 1
            result.matrix = _matrix(q, per_row)
        elif q.type in (Question.Type.SCORE, Question.Type.NUMBER):
            values = [n for _r, _c, _cs, n, _t in given if n is not None]
            result.rows = _histogram(values, q)
            result.mean = float(sum(values) / len(values)) if values else None
        elif q.is_date:
            months = Counter(t[:7] for _r, _c, _cs, _n, t in given if t)
            result.rows = _rows([(m, m) for m in sorted(months)], months, len(given))
        else:
            result.words = _words([t for _r, _c, _cs, _n, t in given if t])
        results.append(result)
    return Analysis(form=form, responses=sheets.count(), questions=results)


def _cross(q: Question, by: Question, given: list, by_answer: dict[int, set[str]]) -> dict:
    """Rows: the options of `by`; columns: this question's options; each row's counts and percentages."""
    table = []
    for value, label in by.choices:
        counts: Counter = Counter()
        n = 0
        for response_id, choice, choices, _n, _t in given:
            if value in by_answer.get(response_id, ()):
                n += 1
                counts.update([choice] if q.is_single_choice else choices or [])
        table.append({"label": label, "answered": n,
                      "cells": [{"count": counts.get(v, 0), "percent": percent(counts.get(v, 0), n)} for v, _l in q.choices]})
    return {"by": by.text, "columns": [label for _v, label in q.choices], "rows": table,
            "series": [{"name": label, "data": [row["cells"][i]["count"] for row in table]}
                       for i, (_v, label) in enumerate(q.choices)], "categories": [label for _v, label in by.choices]}


def _staff_analysis(form: Form, questions: list[Question], filters: Filters) -> Analysis:
    """Released tallies of the units with at least the minimum of released ballots; nothing else."""
    threshold = max(settings.SURVEY_MIN_RESPONSES_FOR_STATS, 1)
    boxes = BallotBox.objects.filter(form=form)
    if filters.target_id:
        boxes = boxes.filter(target_id=filters.target_id)
    released = dict(boxes.values_list("target_id", "released"))
    shown = [t for t, n in released.items() if n >= threshold]
    tallies: dict[int, Counter] = defaultdict(Counter)
    sums: dict[int, tuple[Decimal, int]] = {}
    for question_id, choice, count, total in StaffTally.objects.filter(
            question__form=form, target_id__in=shown, count__gt=0).values_list("question_id", "choice", "count", "total"):
        tallies[question_id][choice] += count
        if choice == "":
            s, n = sums.get(question_id, (Decimal(0), 0))
            sums[question_id] = (s + total, n + count)
    results = []
    for number, q in enumerate(questions, start=1):
        if not _in_dimension(q, filters.dimension) or q.type in Question.TEXT_TYPES:
            continue
        counts = tallies.get(q.pk, Counter())
        result = QuestionResult(question=q, number=number, chart=CHARTS.get(q.type, "none"))
        if q.is_choice:
            result.answered = sum(counts.values()) if q.is_single_choice else sum(released[t] for t in shown)
            result.rows = _rows(q.choices, counts, result.answered)
        elif q.is_matrix:
            per_row: dict[str, Counter] = defaultdict(Counter)
            for key, n in counts.items():
                row, _sep, value = key.partition(":")
                per_row[row][value] += n
            result.matrix = _matrix(q, per_row)
            result.answered = max((sum(c.values()) for c in per_row.values()), default=0)
        elif q.is_score and q.pk in sums:
            total, n = sums[q.pk]
            result.answered, result.mean, result.chart = n, float(total / n), "mean"
        results.append(result)
    return Analysis(form=form, responses=sum(released[t] for t in shown), questions=results,
                    hidden_units=len(released) - len(shown), aggregate_only=True, min_responses=threshold)


def analysis_units(form: Form) -> list[CampaignTarget]:
    return list(CampaignTarget.objects.filter(campaign_id=form.campaign_id).select_related("unit").order_by("unit__code"))


def analysis_dimensions(form: Form) -> list[tuple[str, str]]:
    return list(campaign_dimension_names(form.campaign).items())
