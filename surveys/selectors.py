"""Reads of forms, links, ballots and results, scoped to who may see them."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router
from django.db.models import (
    Avg,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bianzhi.access import holders, may, restrict
from bianzhi.models import User
from bianzhi.payload import json_text
from evaluations.guard import may_write
from evaluations.hooks import campaign_column, campaign_fact, campaign_setting_value
from evaluations.indicators import COUNT_UNIT, POINTS_UNIT, Scale, campaign_dimension_names, campaign_indicators
from evaluations.models import Campaign, CampaignTarget, Upload
from evaluations.sheet_workbook import EVALUATION_SHEET, WorkbookRow, indicator_workbook

from . import rules
from .defaults import SATISFIED_VALUES
from .definition import question_definition
from .models import (
    Answer,
    Ballot,
    BallotBox,
    Export,
    Form,
    FormTemplate,
    Question,
    SheetEntry,
    SheetSignoff,
    StaffComment,
    StaffTally,
    SurveyLink,
    SurveyResponse,
)


@dataclass(frozen=True)
class SatisfactionStats:
    responses: int
    satisfied_answers: int
    valid_answers: int

    @property
    def rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / valid answers."""
        return rules.rate(self.satisfied_answers, self.valid_answers)


EMPTY_STATS = SatisfactionStats(responses=0, satisfied_answers=0, valid_answers=0)


def survey_link_get_by_token(*, token: str) -> SurveyLink:
    return get_object_or_404(SurveyLink.objects.select_related("form", "target__unit", "form__campaign"), token=token)


@dataclass(frozen=True)
class _CompiledLookup:
    sql: str
    converters: list[tuple[int, list, object]]  # (column, the field's converters, its expression), as the ORM's
    link: tuple[list[int], list[str]]  # the link's columns and their attribute names
    form: tuple[list[int], list[str]]
    status: int


@functools.cache  # per database alias: the statement depends only on the models, never on the token
def _link_lookup_compiled(using: str) -> _CompiledLookup:
    compiler = (SurveyLink.objects.select_related("form").annotate(campaign_status_now=F("form__campaign__status"))
                .filter(token="").query.get_compiler(using))
    sql, params = compiler.as_sql()
    assert params == ("",), params  # the token is the statement's only parameter

    def columns(klass_info):
        return klass_info["select_fields"], [compiler.select[i][0].target.attname for i in klass_info["select_fields"]]

    converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    return _CompiledLookup(
        sql=sql, converters=[(i, convs, expression) for i, (convs, expression) in converters.items()],
        link=columns(compiler.klass_info), form=columns(compiler.klass_info["related_klass_infos"][0]),
        status=compiler.annotation_col_map["campaign_status_now"],
    )


def survey_link_with_stage(*, token: str) -> SurveyLink | None:
    """The public form's link, its form joined and its campaign's stage read now (`campaign_status_now`), in
    one indexed read; None for an unknown token.

    On every public submit and page: the ORM's building and compiling of this statement, and of the two objects,
    took twice the database's time, so the ORM compiles it once and the row is made into objects here, as the
    ORM's select_related does (the same converters, from_db, the form cached on the link). On PostgreSQL the
    link is also remembered for this process's next submits (survey_link_remembered).
    """
    using = router.db_for_read(SurveyLink)
    lookup = _link_lookup_compiled(using)
    db = connections[using]
    with db.cursor() as cursor:
        cursor.execute(lookup.sql, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for i, convs, expression in lookup.converters:
        for convert in convs:
            row[i] = convert(row[i], expression, db)
    link = SurveyLink.from_db(using, lookup.link[1], [row[i] for i in lookup.link[0]])
    form = Form.from_db(using, lookup.form[1], [row[i] for i in lookup.form[0]])
    SurveyLink.form.field.set_cached_value(link, form)
    link.campaign_status_now = row[lookup.status]
    if db.vendor == "postgresql":
        if len(_LINKS) >= REMEMBERED_LINKS:
            _LINKS.clear()  # as _QUESTIONS: simple and safe across threads; the links are read again as used
        _LINKS[token] = link
    return link


# Per process: public links as last read from the database, for the submit only (survey_link_remembered); each
# holds its form, a few kilobytes.
REMEMBERED_LINKS = 5000
_LINKS: dict[str, SurveyLink] = {}


def survey_link_remembered(*, token: str) -> SurveyLink | None:
    """The link as this process last read it (by a form page, a submit), or None; PostgreSQL only.

    Nothing is decided on it alone: a submit made with it has every fact it was judged by (the link active, the
    campaign's stage, the form's schedule and version) checked again by its INSERT, in the same statement, and
    is judged again from a fresh read when any of them changed (surveys.services.StaleLink).
    """
    return _LINKS.get(token)


def survey_link_forget(*, token: str) -> None:
    _LINKS.pop(token, None)


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


def form_definition(*, form: Form) -> dict:
    """The form's questions in the editor's shape (surveys.definition)."""
    return {"title": form.title, "intro": form.intro,
            "questions": [question_definition(q) for q in form.questions.all()]}


def form_templates(*, kind: str) -> QuerySet[FormTemplate]:
    """Saved templates of a kind of form (any year's): the office reuses them."""
    return FormTemplate.objects.filter(kind=kind).select_related("created_by").order_by("-updated_at")


def satisfaction_form_get(*, campaign: Campaign) -> Form | None:
    return Form.objects.filter(campaign=campaign, kind=Form.Kind.SATISFACTION).first()


def satisfaction_stats_by_target(
    *, campaign: Campaign, targets: QuerySet[CampaignTarget] | None = None
) -> dict[int, SatisfactionStats]:
    """Per unit of the campaign (or of `targets`): responses and satisfaction answers. A fixed number of
    queries, whatever the number of units. One unit's report asks for its unit only: reading the whole
    campaign's answers for each of 10,000 reports made the reports of a campaign quadratic (issue 16)."""
    form = satisfaction_form_get(campaign=campaign)
    if form is None:
        return {}
    stats = form_statistics(form=form, targets=targets)
    return {
        target_id: SatisfactionStats(
            responses=unit.responses, satisfied_answers=unit.total.satisfied, valid_answers=unit.total.valid
        )
        for target_id, unit in stats.units.items()
        if unit.responses
    }


@campaign_fact("satisfaction_form")
def _campaign_satisfaction_form(campaign: Campaign) -> Form | None:
    return satisfaction_form_get(campaign=campaign)


@campaign_column("link")
def _campaign_links(campaign: Campaign) -> dict[int, SurveyLink]:
    return links_by_target(form=satisfaction_form_get(campaign=campaign))


def links_by_target(*, form: Form | None) -> dict[int, SurveyLink]:
    """The general link (no service window) of each unit."""
    if form is None:
        return {}
    return {link.target_id: link for link in form.links.filter(window="")}


# --------------------------------------------------------------------------------------------------------
# Forms for the office
# --------------------------------------------------------------------------------------------------------
def form_list_for_user(*, user: User) -> QuerySet[Form]:
    """The office and leaders see every form; a liaison the forms of campaigns that evaluate their unit."""
    return restrict(Form.objects.select_related("campaign"), user, "form.view")


def form_get_for_user(*, user: User, pk: int) -> Form:
    return get_object_or_404(form_list_for_user(user=user), pk=pk)


def forms_by_kind(*, campaign: Campaign) -> dict[str, Form]:
    return {form.kind: form for form in campaign.forms.all()}


def form_target_get(*, form: Form, pk: int) -> CampaignTarget:
    return get_object_or_404(CampaignTarget.objects.select_related("unit"), campaign_id=form.campaign_id, pk=pk)


def ballot_boxes_by_target(*, form: Form) -> dict[int, BallotBox]:
    return {box.target_id: box for box in BallotBox.objects.filter(form=form).defer("spent_bits")}


def ballots_for_print(*, form: Form, target: CampaignTarget) -> list[Ballot]:
    return list(Ballot.objects.filter(box__form=form, box__target=target).order_by("serial"))


def responses_for_review(*, form: Form, target: CampaignTarget) -> QuerySet[SurveyResponse]:
    """A public form's answer sheets of one unit, flagged ones first, for an evaluator to check and void."""
    return (
        SurveyResponse.objects.filter(form=form, target=target)
        .prefetch_related(Prefetch("answers", Answer.objects.select_related("question").order_by("question__position")))
        .order_by("-too_fast", "-straight_lined", "-busy_network", "-unchecked", "submitted_on", "id")
    )


# --------------------------------------------------------------------------------------------------------
# Statistics: counted in the database, a fixed number of queries whatever the number of units
# --------------------------------------------------------------------------------------------------------
@dataclass
class Tally:
    """Choice counts of one question (or a dimension, or a total) and its 满意率."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(n for value, n in self.counts.items() if value in SATISFIED_VALUES)

    @property
    def rate(self) -> float | None:
        return rules.rate(self.satisfied, self.valid)

    @property
    def rate_text(self) -> str:
        return rules.percent(self.rate)

    def add(self, value: str, n: int) -> None:
        self.counts[value] = self.counts.get(value, 0) + n


@dataclass
class UnitStats:
    target: CampaignTarget | None
    responses: int = 0
    hidden: bool = False  # fewer answers than the anonymity threshold: nothing is shown
    pending: int = 0  # staff ballots received and not yet released (they are, by batches of the threshold)
    questions: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    dimensions: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)
    means: dict[int, float] = field(default_factory=dict)
    dimension_names: dict[str, str] = field(default_factory=dict)  # of the campaign's tree

    def dimension_sentences(self) -> list[str]:
        """The paper's wording: "对职能配置满意率达 93.5%"."""
        return [
            _("对%(dimension)s满意率达 %(rate)s") % {"dimension": self.dimension_names.get(code, code), "rate": tally.rate_text}
            for code, tally in sorted(self.dimensions.items())
            if tally.valid
        ]


@dataclass
class FormStats:
    form: Form
    questions: list[Question]
    units: dict[int, UnitStats]
    total: UnitStats
    min_responses: int

    @property
    def hidden_units(self) -> int:
        return sum(1 for u in self.units.values() if u.hidden)


def form_statistics(*, form: Form, targets: QuerySet[CampaignTarget] | None = None) -> FormStats:
    """Per unit and per dimension: counts, distribution, 满意率; and the campaign total. Four queries.

    For the anonymous staff assessment the figures are its units' released tallies (services.staff_ballot_count):
    they grow by batches of at least SURVEY_MIN_RESPONSES_FOR_STATS ballots, so a unit shows nothing below
    that, and is left out of the total too (otherwise total minus the others would give it away).
    Voided answer sheets are not counted.
    """
    subset = targets is not None
    if targets is None:
        targets = CampaignTarget.objects.filter(campaign_id=form.campaign_id)
    targets = list(targets.select_related("unit"))
    target_ids = [t.pk for t in targets]
    questions = list(form.questions.all())
    by_id = {q.pk: q for q in questions}
    choice_ids = [q.pk for q in questions if q.type == Question.Type.SINGLE_CHOICE]
    score_ids = [q.pk for q in questions if q.type == Question.Type.SCORE]
    pending: dict[int, int] = {}
    if form.kind == Form.Kind.STAFF_ASSESSMENT:
        boxes = BallotBox.objects.filter(form=form, **({"target_id__in": target_ids} if subset else {}))
        counts, pending = {}, {}
        for target_id, released, waiting in boxes.values_list("target_id", "released", "pending"):
            counts[target_id], pending[target_id] = released, waiting
        tallies = StaffTally.objects.filter(question__form=form, count__gt=0,
                                            **({"target_id__in": target_ids} if subset else {}))
        choice_rows = tallies.filter(question_id__in=choice_ids).values_list("target_id", "question_id", "choice", "count")
        mean_rows = [(t, q, total / n) for t, q, total, n in
                     tallies.filter(question_id__in=score_ids).values_list("target_id", "question_id", "total", "count")]
    else:
        # one join, no IN (subquery): the whole campaign is the common case, and the plan stays simple
        scope = {"response__target_id__in": target_ids} if subset else {}
        answers = Answer.objects.filter(response__form=form, response__is_voided=False, **scope)
        valid = SurveyResponse.objects.filter(form=form, is_voided=False, **({"target_id__in": target_ids} if subset else {}))
        counts = dict(valid.values_list("target_id").annotate(n=Count("id")).order_by())
        choice_rows = (
            answers.filter(question_id__in=choice_ids)
            .values_list("response__target_id", "question_id", "choice")
            .annotate(n=Count("id"))
            .order_by()
        )
        mean_rows = (
            answers.filter(question_id__in=score_ids)
            .values_list("response__target_id", "question_id")
            .annotate(mean=Avg("number"))
            .order_by()
        )
    threshold = settings.SURVEY_MIN_RESPONSES_FOR_STATS if form.kind == Form.Kind.STAFF_ASSESSMENT else 0
    names = campaign_dimension_names(form.campaign)
    units = {
        t.pk: UnitStats(
            target=t, responses=counts.get(t.pk, 0), hidden=counts.get(t.pk, 0) < threshold,
            pending=pending.get(t.pk, 0), dimension_names=names,
        )
        for t in targets
    }
    total = UnitStats(target=None, dimension_names=names)
    for target_id, question_id, choice, n in choice_rows:
        unit, question = units.get(target_id), by_id[question_id]
        if unit is None or unit.hidden:  # an answer of a unit no longer in the campaign
            continue
        for stats in (unit, total):
            stats.questions[question_id].add(choice, n)
            if question.counts_for_satisfaction:
                stats.dimensions[question.dimension].add(choice, n)
                stats.total.add(choice, n)
    for target_id, question_id, key, n in _matrix_rows(form, [q.pk for q in questions if q.is_matrix and q.counts_for_satisfaction],
                                                       target_ids if subset else None):
        unit, question = units.get(target_id), by_id[question_id]
        if unit is None or unit.hidden:
            continue
        row, _sep, value = key.partition(":")
        dimension = question.row_dimensions.get(row, "")
        for stats in (unit, total):  # each row of a satisfaction matrix counts for its own dimension
            stats.dimensions[dimension].add(value, n)
            stats.total.add(value, n)
    for target_id, question_id, mean in mean_rows:
        if target_id in units and not units[target_id].hidden:
            units[target_id].means[question_id] = float(mean)
    total.responses = sum(u.responses for u in units.values() if not u.hidden)
    for unit in units.values():
        if unit.hidden:
            unit.questions, unit.dimensions, unit.total = defaultdict(Tally), defaultdict(Tally), Tally()
    return FormStats(form=form, questions=questions, units=units, total=total, min_responses=threshold)


def _matrix_rows(form: Form, question_ids: list[int], target_ids: list[int] | None):
    """(target id, question id, "<row>:<option>", count) of matrix questions: the staff assessment's released
    tallies, or a public form's valid answer sheets. No query when there is no such question."""
    if not question_ids:
        return []
    scope = {} if target_ids is None else {"target_id__in": target_ids}
    if form.kind == Form.Kind.STAFF_ASSESSMENT:
        return list(StaffTally.objects.filter(question_id__in=question_ids, count__gt=0, **scope)
                    .values_list("target_id", "question_id", "choice", "count"))
    scope = {} if target_ids is None else {"response__target_id__in": target_ids}
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    for target_id, question_id, choices in Answer.objects.filter(
            question_id__in=question_ids, response__is_voided=False, **scope).values_list(
            "response__target_id", "question_id", "choices"):
        for row, value in (choices or {}).items():
            counts[(target_id, question_id, f"{row}:{value}")] += 1
    return [(*key, n) for key, n in counts.items()]


def comments_for_target(*, form: Form, target: CampaignTarget, user: User) -> list[tuple[str, str]]:
    """Free-text answers of one unit as (question, text), in no particular order.

    The staff assessment's: only released batches (in the random order of their keys), and never to the
    unit's own liaison, who would read their colleagues' words. A public form's: every valid answer sheet's.
    """
    if form.kind == Form.Kind.STAFF_ASSESSMENT:
        if not may(user, "staff_comments.view", target):
            return []
        return list(
            StaffComment.objects.filter(target=target, question__form=form, released=True)
            .order_by("id").values_list("question__text", "text")
        )
    valid = SurveyResponse.objects.filter(form=form, target=target, is_voided=False)
    return list(
        Answer.objects.filter(response__in=valid, question__type__in=Question.TEXT_TYPES)
        .exclude(text="")
        .order_by("question__position", "id")
        .values_list("question__text", "text")
    )


def staff_comments_for_export(*, form: Form) -> QuerySet[StaffComment]:
    """Every released staff comment of the form, unit by unit, in the random order of their keys."""
    return (StaffComment.objects.filter(question__form=form, released=True).select_related("target__unit", "question")
            .order_by("target__unit__code", "id"))


def staff_tallies_for_export(*, form: Form) -> QuerySet[StaffTally]:
    """The released counts of every unit that shows statistics (at least the threshold of released ballots)."""
    shown = BallotBox.objects.filter(form=form, released__gte=max(settings.SURVEY_MIN_RESPONSES_FOR_STATS, 1))
    return (StaffTally.objects.filter(question__form=form, target_id__in=shown.values("target_id"))
            .select_related("target__unit", "question").order_by("target__unit__code", "question__position", "choice"))


# --------------------------------------------------------------------------------------------------------
# Evaluation sheet
# --------------------------------------------------------------------------------------------------------
def sheet_target_get_for_user(*, user: User, form: Form, pk: int) -> CampaignTarget:
    """A unit's sheet: leaders read every one; the office only those it may act on (the team's units), else 404."""
    target = get_object_or_404(
        CampaignTarget.objects.select_related("unit", "team", "campaign"), campaign_id=form.campaign_id, pk=pk
    )
    if not may(user, "sheet.view", target):
        raise Http404
    return target


def sheet_files(*, target: CampaignTarget) -> dict[str, list[Upload]]:
    """The evaluators' own files on the unit's sheet, current versions, by question code."""
    files: dict[str, list[Upload]] = {}
    uploads = (Upload.objects.filter(target=target, purpose=Upload.Purpose.SHEET_EVIDENCE, replaced_by__isnull=True)
               .select_related("uploaded_by").order_by("question_code", "created_at", "pk"))
    for upload in uploads:
        files.setdefault(upload.question_code, []).append(upload)
    return files


def sheet_combined(*, form: Form, target: CampaignTarget) -> tuple[dict[str, Decimal], set[str]]:
    """The unit's combined score per indicator (mean or the lead's decision) and the indicators to review."""
    by_question: dict[str, dict[int, Decimal]] = {}
    for entry in SheetEntry.objects.filter(question__form=form, target=target).select_related("question"):
        by_question.setdefault(entry.question.code, {})[entry.evaluator_id] = entry.score
    return rules.combine_scores(
        by_question, method=form.combine, lead_id=form.lead_evaluator_id, spread_limit=form.spread_limit
    )


def sheet_rows(*, form: Form, target: CampaignTarget) -> list[dict]:
    """The sheet of one unit, question by question: every evaluator's entry, the combined score and whether
    the spread needs a review, the unit's own evidence (by indicator) and the evaluators' files."""
    entries: dict[str, list[SheetEntry]] = {}
    for entry in sheet_entries(form=form, target=target).order_by("evaluator__username"):
        entries.setdefault(entry.question.code, []).append(entry)
    combined, flagged = sheet_combined(form=form, target=target)
    evidence, files = sheet_evidence(target=target), sheet_files(target=target)
    return [
        {"question": q, "all": entries.get(q.code, []), "combined": combined.get(q.code), "flagged": q.code in flagged,
         "evidence": evidence.get(q.indicator, []) if q.indicator else [], "files": files.get(q.code, [])}
        for q in form.questions.all()
    ]


def sheet_entries(*, form: Form, target: CampaignTarget) -> QuerySet[SheetEntry]:
    return SheetEntry.objects.filter(question__form=form, target=target).select_related("evaluator", "question")


def sheet_signoff_get(*, form: Form, target: CampaignTarget) -> SheetSignoff | None:
    return SheetSignoff.objects.filter(form=form, target=target).select_related("signed_by").first()


def office_staff() -> QuerySet[User]:
    """Who may be the lead evaluator of an evaluation sheet."""
    return User.objects.filter(holders("team.member"), is_active=True).order_by("username")


def export_get_for_user(*, user: User, pk: int) -> Export:
    return get_object_or_404(restrict(Export.objects.select_related("form__campaign"), user, "export.view"), pk=pk)


def exports_for_form(*, form: Form) -> QuerySet[Export]:
    return form.exports.order_by("-created_at")[:10]


def sheet_evidence(*, target: CampaignTarget) -> dict[str, list]:
    """The unit's evidence files (佐证材料, uploaded with its self-assessment), current versions, by indicator."""
    files: dict[str, list] = {}
    uploads = Upload.objects.filter(target=target, purpose=Upload.Purpose.EVIDENCE, replaced_by__isnull=True)
    for upload in uploads.order_by("indicator_code", "original_name"):
        files.setdefault(upload.indicator_code, []).append(upload)
    return files


def signed_sheet_points(*, campaign: Campaign, target_ids: list[int] | None = None) -> dict[int, dict[str, float]]:
    """{target id: {indicator code: share of full marks}} from the lead-signed evaluation sheets (of the
    campaign, or of `target_ids` only). Two queries."""
    questions = {
        q.code: q
        for q in Question.objects.filter(
            form__campaign=campaign, form__kind=Form.Kind.EVALUATION_SHEET, type=Question.Type.SCORE
        ).exclude(indicator="")
    }
    points: dict[int, dict[str, float]] = {}
    signoffs = SheetSignoff.objects.filter(form__campaign=campaign, form__kind=Form.Kind.EVALUATION_SHEET)
    if target_ids is not None:
        signoffs = signoffs.filter(target_id__in=target_ids)
    for target_id, scores in signoffs.values_list("target_id", "scores"):
        points[target_id] = {
            questions[code].indicator: rules.answer_points(
                "score", Decimal(score), points={}, min_score=questions[code].min_score,
                max_score=questions[code].max_score,
            )
            for code, score in scores.items()
            if code in questions
        }
    return points



# --------------------------------------------------------------------------------------------------------
# What scoring reads of the answers (one function per source, so a change of how answers are stored is
# adapted here only)
# --------------------------------------------------------------------------------------------------------
def staff_dimension_rates(campaign: Campaign) -> dict[int, dict[str, tuple[float, int]]]:
    """The staff assessment (测评表) per unit and dimension: {target id: {dimension code: (mean points, n)}}.

    Read from the released tallies only (StaffTally.count: batches of at least SURVEY_MIN_RESPONSES_FOR_STATS
    ballots), never from ballots still waiting. Mean points use each option's points as the form says (满意 1,
    基本满意 0.6, 不满意 0 by default). A unit with fewer released ballots than the minimum is left out
    (anonymity): its indicators are missing, not zero. Two queries; the means are summed in the database
    (one row per unit and question), not in Python over every unit, question and option.
    """
    questions = list(Question.objects.filter(form__campaign=campaign, form__kind=Form.Kind.STAFF_ASSESSMENT,
                                             type__in=[Question.Type.SINGLE_CHOICE, Question.Type.MATRIX]))
    single = [q for q in questions if not q.is_matrix and q.dimension]
    matrices = [q for q in questions if q.is_matrix]
    if not single and not matrices:
        return {}
    shown = BallotBox.objects.filter(form__campaign=campaign, form__kind=Form.Kind.STAFF_ASSESSMENT,
                                     released__gte=settings.SURVEY_MIN_RESPONSES_FOR_STATS).values("target_id")
    key_of: dict = {q.pk: q.dimension for q in single}
    rows = []
    if single:
        rows += _tally_point_sums(single, shown)
    if matrices:  # tallied per "<row>:<option>": each row counts for its own dimension
        by_id = {q.pk: q for q in matrices}
        tallies = StaffTally.objects.filter(question_id__in=list(by_id), count__gt=0, target_id__in=shown)
        for target_id, question_id, choice, n in tallies.values_list("target_id", "question_id", "choice", "count"):
            q = by_id[question_id]
            row, _sep, value = choice.partition(":")
            dimension = next((r.get("dimension") for r in q.rows if r["code"] == row), None)
            if dimension and value in (q.points or {}):
                key_of[(question_id, row)] = dimension
                rows.append((target_id, (question_id, row), float(q.points[value]) * n, n))
    return _pooled(rows, key_of)


def _pooled(rows, key_of: dict) -> dict:
    """(target id, question id — or (question id, matrix row) —, Σ points, n) rows pooled per unit and key of
    the question: {target id: {key: (Σ points ÷ Σ n, Σ n)}}. Choice rows come summed from the database."""
    sums: dict[int, dict] = defaultdict(dict)
    for target_id, question_id, total, n in rows:
        key = key_of[question_id]
        t, c = sums[target_id].get(key, (0.0, 0))
        sums[target_id][key] = (t + total, c + n)
    return {target_id: {key: (t / c, c) for key, (t, c) in by_key.items() if c} for target_id, by_key in sums.items()}


def _matrix_row_counts(*, campaign: Campaign, kinds: tuple[str, ...]) -> tuple[list[Question], dict]:
    """The forms' matrix questions and {target id: {(question id, row code): {choice: count}}}. Two queries."""
    questions = list(Question.objects.filter(form__campaign=campaign, form__kind__in=kinds,
                                             type=Question.Type.MATRIX).select_related("form"))
    counts: dict[int, dict[tuple[int, str], dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if not questions:
        return questions, counts
    rows = Answer.objects.filter(question_id__in=[q.pk for q in questions], response__is_voided=False).values_list(
        "response__target_id", "question_id", "choices")
    for target_id, question_id, choices in rows.iterator(chunk_size=5000):
        for row, value in (choices or {}).items():
            tally = counts[target_id][(question_id, row)]
            tally[value] = tally.get(value, 0) + 1
    return questions, counts


def form_indicator_points(campaign: Campaign, kinds: tuple[str, ...]) -> dict[str, dict[int, dict[str, tuple[float, int]]]]:
    """The public forms (调查问卷, 服务对象满意度测评表): {form kind: {target id: {indicator: (mean points of the
    valid answers to the questions tagged with it, n answers)}}}. Choice and score questions alike (each
    answer's points by its question): one aggregate in the database gives a row per unit and question. A
    matrix's rows each count for the indicator they are tagged with, on the matrix's one scale."""
    questions = list(Question.objects.filter(
        form__campaign=campaign, form__kind__in=kinds,
        type__in=(Question.Type.SINGLE_CHOICE, Question.Type.SCORE)).exclude(indicator="").select_related("form"))
    key_of: dict = {q.pk: (q.form.kind, q.indicator) for q in questions}
    rows = _choice_point_sums(questions)
    matrices, row_counts = _matrix_row_counts(campaign=campaign, kinds=kinds)
    for q in matrices:
        for row in q.rows:
            if row.get("indicator"):
                key_of[(q.pk, row["code"])] = (q.form.kind, row["indicator"])
                for target_id, by_row in row_counts.items():
                    scored = [(float(q.points[v]), n) for v, n in by_row.get((q.pk, row["code"]), {}).items()
                              if v in (q.points or {})]
                    if scored:
                        rows.append((target_id, (q.pk, row["code"]), sum(p * n for p, n in scored),
                                     sum(n for _p, n in scored)))
    out: dict[str, dict[int, dict[str, tuple[float, int]]]] = {kind: {} for kind in kinds}
    for target_id, by_key in _pooled(rows, key_of).items():
        for (kind, indicator), found in by_key.items():
            out[kind].setdefault(target_id, {})[indicator] = found
    return out


def _choice_point_sums(questions: list[Question]) -> list[tuple]:
    """(target id, question id, Σ points, n) of the valid answers to choice and score questions, summed in the
    database. Each answer joins its (question, choice) row of a small table of points (a hash join; a CASE of
    every question and option per answer cost twice as much). A score question's row has the choice "" its
    answers have, and its range: (score − min) ÷ (max − min). Plain SQL that SQLite runs too."""
    points, params = _points_table(questions)
    if not points:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH {points}
                SELECT r.target_id, a.question_id, SUM(COALESCE(p.points, (a.number - p.low) / p.span)),
                       COUNT(COALESCE(p.points, a.number))
                FROM {Answer._meta.db_table} a
                JOIN p ON p.question_id = a.question_id AND p.choice = a.choice
                JOIN {SurveyResponse._meta.db_table} r ON r.id = a.response_id
                WHERE NOT r.is_voided GROUP BY r.target_id, a.question_id""", params)
        return cursor.fetchall()


def _tally_point_sums(questions: list[Question], targets: QuerySet) -> list[tuple]:
    """(target id, question id, Σ count × points, Σ count) of the released staff tallies of choice questions
    for the `targets` (a query of target ids), summed in the database through the same table of points as the
    answers (an ORM CASE of every question and option, and its compilation, took twice as long)."""
    points, params = _points_table(questions)
    if not points:
        return []
    shown, shown_params = targets.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH {points}
                SELECT t.target_id, t.question_id, SUM(t.count * p.points), SUM(t.count)
                FROM {StaffTally._meta.db_table} t JOIN p ON p.question_id = t.question_id AND p.choice = t.choice
                WHERE t.count > 0 AND t.target_id IN ({shown}) GROUP BY t.target_id, t.question_id""",
            [*params, *shown_params])
        return cursor.fetchall()


def _points_table(questions: list[Question]) -> tuple[str, list]:
    """`p(question_id, choice, points, low, span) AS (VALUES …)` and its parameters: each choice's points, or a
    score question's range (its answers have the choice ""); ("", []) when no question has points."""
    table = []
    for q in questions:
        if q.type == Question.Type.SCORE:
            low, high = float(q.min_score or 0), float(q.max_score if q.max_score is not None else 10)
            if high > low:
                table.append((q.pk, "", None, low, high - low))
        else:
            table += [(q.pk, value, float(p), None, None) for value, p in (q.points or {}).items()]
    if not table:
        return "", []
    values = ", ".join(["(%s, %s, CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION), "
                        "CAST(%s AS DOUBLE PRECISION))"] * len(table))
    return f"p(question_id, choice, points, low, span) AS (VALUES {values})", [x for row in table for x in row]


def signed_sheet_values(campaign: Campaign) -> dict[int, dict[str, tuple[Decimal, str, Decimal | None, Decimal | None]]]:
    """{target id: {indicator: (lead-signed combined score, the score as signed, question's min, max)}}: the
    text too, as 8.1 and 8.10 are equal Decimals that the evidence prints apart. Two queries. Equal scores of
    one question are one tuple (a campaign's signed scores repeat: one Decimal per distinct score, not per unit)."""
    questions = {
        q.code: q
        for q in Question.objects.filter(
            form__campaign=campaign, form__kind=Form.Kind.EVALUATION_SHEET, type=Question.Type.SCORE
        ).exclude(indicator="")
    }
    seen: dict[str, dict[str, tuple]] = {code: {} for code in questions}  # {question: {score: (indicator, value)}}

    def value(code: str, score: str) -> tuple[str, tuple]:
        q = questions[code]
        found = seen[code][score] = (q.indicator, (Decimal(score), score, q.min_score, q.max_score))
        return found

    signoffs = SheetSignoff.objects.filter(form__campaign=campaign, form__kind=Form.Kind.EVALUATION_SHEET)
    # the JSON as text for orjson: Django's json.loads took half of this read for 1,000 units
    return {target_id: dict([seen[code].get(score) or value(code, score)
                             for code, score in orjson.loads(scores).items() if code in seen])
            for target_id, scores in signoffs.annotate(text=json_text("scores")).values_list("target_id", "text")}


def sheet_scales(form: Form) -> dict[str, tuple[Question, Scale]]:
    """{indicator code (or question code): (question, its scale)} for the scored questions of the sheet."""
    negative = {code for code, ind in campaign_indicators(form.campaign).items() if ind.negative}
    return {
        (q.indicator or q.code).upper(): (q, Scale(q.min_score, q.max_score, q.decimals,
                                                   COUNT_UNIT if q.indicator in negative else POINTS_UNIT))
        for q in form.questions.filter(type=Question.Type.SCORE)
    }



def sheet_workbook(*, form: Form, target: CampaignTarget, evaluator: User) -> bytes:
    """One unit's sheet as a pre-filled xlsx: every scored indicator, its guideline and scale, with what this
    evaluator has saved so far."""
    indicators = campaign_indicators(form.campaign)
    dimensions = campaign_dimension_names(form.campaign)
    mine = {e.question_id: e for e in SheetEntry.objects.filter(question__form=form, target=target, evaluator=evaluator)}
    rows = []
    for code, (q, scale) in sheet_scales(form).items():
        ind, entry = indicators.get(q.indicator), mine.get(q.pk)
        rows.append(WorkbookRow(code=code, dimension=dimensions.get(q.dimension, q.dimension), name=q.text,
                                guideline=ind.guideline if ind else "", scale=scale,
                                value=entry.score if entry else None, note=entry.reason if entry else ""))
    heading = _("%(unit)s · %(form)s（评估人员：%(who)s）") % {
        "unit": target.unit.name, "form": form.title, "who": evaluator.display_name}
    return indicator_workbook(layout=EVALUATION_SHEET, heading=heading, rows=rows)


# --------------------------------------------------------------------------------------------------------
# Reaching people: target samples, progress, answers per day
# --------------------------------------------------------------------------------------------------------
DEFAULT_SAMPLE = 30  # when neither the form nor the scoring settings say (the tree's default minimum sample)


def campaign_min_sample(campaign: Campaign) -> int:
    """The campaign's minimum sample for the satisfaction rate (kept by the scoring settings, above this app)."""
    return campaign_setting_value(campaign, "min_sample", DEFAULT_SAMPLE)


def form_default_sample(form: Form) -> int:
    """The form's target sample per unit: its own setting, else the campaign's minimum sample (scoring)."""
    return form.sample_target or campaign_min_sample(form.campaign)


def sample_targets(form: Form) -> dict[int, int]:
    """{target id: the unit's own target sample} (units without one take form_default_sample)."""
    return dict(form.sample_targets.values_list("target_id", "size"))


def sample_progress(*, responses: int, target: int) -> dict:
    """What the progress bar shows: n / target and the share (capped at 100 for the bar's width)."""
    percent = round(100 * responses / target) if target else 0
    return {"responses": responses, "target": target, "percent": percent, "bar": min(percent, 100),
            "reached": bool(target) and responses >= target}


def responses_per_day(*, form: Form) -> tuple[list, list[dict]]:
    """([days], [{"target", "counts": [n per day], "total"}]): the valid answer sheets each unit received each
    day (SurveyResponse keeps the day, never the time). The anonymous 测评表 keeps no day: not for it."""
    if not form.answers_reviewable:
        return [], []
    rows = (SurveyResponse.objects.filter(form=form, is_voided=False).values("target_id", "submitted_on")
            .annotate(n=Count("id")).order_by("submitted_on"))
    days = sorted({r["submitted_on"] for r in rows})
    by_target: dict[int, dict] = defaultdict(dict)
    for r in rows:
        by_target[r["target_id"]][r["submitted_on"]] = r["n"]
    units = []
    for target in form.campaign.targets.select_related("unit").order_by("unit__name"):
        counts = [by_target[target.pk].get(day, 0) for day in days]
        units.append({"target": target, "counts": counts, "total": sum(counts)})
    return days, units


# ---------------------------------------------------------------------------------------------------------
# The campaign's response counts (the leaders' dashboard)
# ---------------------------------------------------------------------------------------------------------
def _form_counts_key(campaign: Campaign) -> str:
    return f"surveys:form-counts:{campaign.pk}:{campaign.created_at.timestamp():.0f}"


def campaign_form_counts(*, campaign: Campaign) -> dict:
    """The forms' counts as plain data: per form kind the ballots issued and used and the answer sheets and units
    reached; the staff assessment's tallies per dimension and choice, and the satisfaction form's answers per
    choice (the questions that count for 满意率; voided sheets left out). Two queries.

    Once the campaign no longer takes answers or ballots (from 撰写报告 on) only a void changes them
    (`survey_response_void` forgets them): they are read once and kept in the cache."""
    settled = not (may_write(campaign, "public_answer") or may_write(campaign, "ballot"))
    if settled and (kept := cache.get(_form_counts_key(campaign))) is not None:
        return kept
    counts = _form_counts(campaign)
    if settled:
        cache.set(_form_counts_key(campaign), counts, timeout=24 * 3600)
    return counts


def forget_form_counts(campaign: Campaign) -> None:
    cache.delete(_form_counts_key(campaign))


def _form_counts(campaign: Campaign) -> dict:
    def per_form(rows, aggregate):  # a subquery per form: a campaign has one form of each kind
        return Subquery(rows.filter(form=OuterRef("pk")).order_by().values("form").annotate(value=aggregate).values("value"))

    boxes, answered = {}, {}
    ballots, responses = BallotBox.objects.all(), SurveyResponse.objects.filter(is_voided=False)
    for kind, issued, used, n, reached in Form.objects.filter(campaign=campaign).values_list("kind").annotate(
            issued=per_form(ballots, Sum("issued")), used=per_form(ballots, Sum("used")),
            n=per_form(responses, Count("id")), reached=per_form(responses, Count("target_id", distinct=True))):
        boxes[kind] = (issued or 0, used or 0)
        answered[kind] = (n or 0, reached or 0)
    staff_tallies = (StaffTally.objects.filter(
        question__form__campaign=campaign, question__form__kind=Form.Kind.STAFF_ASSESSMENT,
        question__counts_for_satisfaction=True, count__gt=0)
        .values_list("question__dimension", "choice").annotate(n=Sum("count")).order_by())
    public_answers = (Answer.objects.filter(
        response__form__campaign=campaign, response__form__kind=Form.Kind.SATISFACTION, response__is_voided=False,
        question__counts_for_satisfaction=True)
        .values_list(Value(None, output_field=CharField()), "choice").annotate(n=Count("id")).order_by())
    staff: dict[str, dict[str, int]] = defaultdict(dict)
    public: dict[str, int] = {}
    # one query for both: the staff tallies per dimension, the public answers (no dimension) per choice
    for dimension, choice, n in staff_tallies.union(public_answers, all=True):
        if dimension is None:
            public[choice] = n
        else:
            staff[dimension][choice] = staff[dimension].get(choice, 0) + n
    return {"boxes": boxes, "answered": answered, "staff": dict(staff), "public": public}
