"""A province's worth of data for benchmarks (`manage.py generate_province`), on PostgreSQL.

15 cities, 10,000 units with their quotas (approved and actual staff), leadership posts, 三定 functions and
internal bodies; one campaign over all of them with its three forms; 1,000,000 satisfaction answer sheets,
200,000 staff ballots (issued, spent and answered) and a signed evaluation sheet for every unit — all
scaled by `scale` so CI can run it small.

The registry, the campaign and the forms go through the app's own services (they are few rows and must be
right); the millions of rows are written by INSERT … SELECT on the server, the only way to make them in
minutes. Ids of answers are random 63-bit numbers as the app makes them (surveys.models.random_id).
"""

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from bianzhi.credit_code import credit_code_complete
from bianzhi.models import InternalBody, LeadershipPost, Quota, Unit, UnitFunction, User
from evaluations.models import Campaign
from evaluations.services import campaign_create
from surveys.models import Answer, Form
from surveys.services import form_create, satisfaction_form_issue

CITIES = ["临川", "江城", "云阳", "安平", "宁远", "清河", "武陵", "南溪", "东山", "北固", "西岭", "长乐", "永安", "新丰", "白水"]
COUNTIES_PER_CITY = 5
FULL_UNITS, FULL_ANSWERS, FULL_BALLOTS = 10_000, 1_000_000, 200_000
CAMPAIGN_NAME = "全省机构编制评估"
OFFICE_USERNAME = "province_office"
CHUNK = 100_000  # answer sheets per INSERT … SELECT: one statement's WAL and memory stay modest


@dataclass
class ProvinceSummary:
    campaign_id: int
    units: int
    satisfaction_responses: int
    satisfaction_answers: int
    staff_ballots: int
    signoffs: int
    seconds: dict[str, float] = field(default_factory=dict)


def _random_id_sql() -> str:
    return "(floor(random() * 9223372036854775806)::bigint + 1)"


def _credit_code(city: int, n: int, department: bool) -> str:
    """A valid 统一社会信用代码: 1 (机构编制) + category + the city's region code + the unit's number."""
    return credit_code_complete(f"1{'1' if department else '2'}36{city + 1:02d}00{n:08d}0")


def _units(units: int, now, run: int) -> list[Unit]:
    """Per city: a third at the city level (市本级), the rest over its counties; departments head ten each.
    Codes carry the run's number, so several provinces fit in one benchmark database."""
    rows = []
    today = timezone.localdate()
    per_city = max(1, units // len(CITIES))
    for n in range(units):
        city = CITIES[min(n // per_city, len(CITIES) - 1)]
        i = n - CITIES.index(city) * per_city
        municipal = i % 3 == 0
        department = i % 10 == 0
        region = f"{city}市本级" if municipal else f"{city}市第{i % COUNTIES_PER_CITY + 1}县"
        rows.append(Unit(
            code=f"P{run:02d}{n:05d}", name=f"{region}第{i}单位", short_name=f"第{i}单位",
            credit_code=_credit_code(CITIES.index(city), run * 100_000 + n, department), staff_as_of=today,
            kind=Unit.Kind.PARTY_GOVERNMENT if department else Unit.Kind.PUBLIC_INSTITUTION,
            institution_class="" if department else Unit.InstitutionClass.PUBLIC_WELFARE_1,
            level=Unit.Level.MUNICIPAL if municipal else Unit.Level.COUNTY, region=region,
            rank=Unit.Rank.DIVISION_FULL if department else Unit.Rank.SECTION_FULL,
            approval_number=f"{city}编发〔2019〕{i}号", created_at=now, updated_at=now,
        ))
    return rows


def _registry(units: int, run: int) -> list[Unit]:
    now = timezone.now()
    created = Unit.objects.bulk_create(_units(units, now, run), batch_size=2000)
    Quota.objects.bulk_create(
        [Quota(unit=u, kind=kind, approved=approved, actual=approved - (u.pk % 3), created_at=now, updated_at=now)
         for u in created
         for kind, approved in (((Quota.Kind.ADMINISTRATIVE, 30), (Quota.Kind.SERVICE_WORKER, 4))
                                if u.kind == Unit.Kind.PARTY_GOVERNMENT else ((Quota.Kind.INSTITUTIONAL_FULL, 20),))],
        batch_size=5000,
    )
    LeadershipPost.objects.bulk_create(
        [LeadershipPost(unit=u, rank=rank, approved=n, actual=n) for u in created
         for rank, n in ((Unit.Rank.DIVISION_FULL, 1), (Unit.Rank.DIVISION_DEPUTY, 3))], batch_size=5000)
    UnitFunction.objects.bulk_create(
        [UnitFunction(unit=u, position=p, text=t) for u in created
         for p, t in ((1, "贯彻执行有关方针政策和法律法规。"), (2, "完成交办的其他任务。"))], batch_size=5000)
    InternalBody.objects.bulk_create(
        [InternalBody(unit=u, position=1, name="办公室", duties="负责日常运转。") for u in created], batch_size=5000)
    return created


def _office() -> User:
    user, _created = User.objects.get_or_create(
        username=OFFICE_USERNAME, defaults={"role": User.Role.EVALUATOR, "first_name": "省编办"})
    return user


def _responses(*, form_id: int, campaign_id: int, total: int, questions_sql: str) -> int:
    """`total` answer sheets spread evenly over the campaign's units, each answering the form's questions.

    Each unit leans its own way (a satisfied share between 55 % and 95 %, from its id), so rates differ.
    """
    done = 0
    with connection.cursor() as cursor:
        while done < total:
            n = min(CHUNK, total - done)
            cursor.execute(f"""
                WITH t AS (SELECT array_agg(id ORDER BY id) AS ids FROM evaluations_campaigntarget
                           WHERE campaign_id = %s),
                     new AS (
                       INSERT INTO surveys_surveyresponse
                         (id, form_id, target_id, "window", submitted_on, too_fast, straight_lined, busy_network,
                          unchecked, is_voided, void_reason)
                       SELECT {_random_id_sql()}, %s, t.ids[1 + (g %% cardinality(t.ids))], '',
                              current_date - (g %% 20), false, false, false, false, false, ''
                       FROM t, generate_series(%s, %s) AS g
                       ON CONFLICT DO NOTHING
                       RETURNING id, target_id)
                INSERT INTO surveys_answer (id, response_id, question_id, choice, choices, number, text)
                SELECT {_random_id_sql()}, new.id, q.id, {questions_sql}
                FROM new CROSS JOIN surveys_question q
                WHERE q.form_id = %s
                ON CONFLICT DO NOTHING
            """, [campaign_id, form_id, done, done + n - 1, form_id])
            done += n
    return done


# The value columns of one answer (choice, choices, number, text) by the question's type. For a
# satisfaction scale the unit's leaning picks 满意 / 基本满意 / 不满意; other choices are uniform.
ANSWER_VALUES_SQL = """
    CASE WHEN q.type = 'single_choice' AND q.choices::jsonb->0->>0 = 'satisfied' THEN
           CASE WHEN random() < 0.55 + (new.target_id %% 41) / 100.0 THEN 'satisfied'
                WHEN random() < 0.7 THEN 'basically_satisfied' ELSE 'dissatisfied' END
         WHEN q.type = 'single_choice' THEN
           q.choices::jsonb -> floor(random() * jsonb_array_length(q.choices::jsonb))::int ->> 0
         ELSE '' END,
    CASE WHEN q.type = 'multiple_choice' THEN jsonb_build_array(q.choices::jsonb->0->>0) ELSE '[]'::jsonb END,
    CASE WHEN q.type = 'score' THEN round((coalesce(q.min_score, 0)
              + random() * (coalesce(q.max_score, 10) - coalesce(q.min_score, 0)))::numeric, 0) ELSE NULL END,
    CASE WHEN q.type IN ('long_text', 'short_text') AND random() < 0.05 THEN '希望进一步简化办事材料。' ELSE '' END
"""


def _ballots(*, form_id: int, campaign_id: int, total: int) -> int:
    """Ballot boxes with `total` ballots over the units, every one spent, and the staff assessment's answers
    as the app keeps them: per unit, question and option a count (surveys.models.StaffTally), released."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM evaluations_campaigntarget WHERE campaign_id = %s", [campaign_id])
        units = cursor.fetchone()[0]
        per_unit = max(1, total // units)
        spent = b"\xff" * (per_unit // 8) + (bytes([(1 << per_unit % 8) - 1]) if per_unit % 8 else b"")
        cursor.execute("""
            INSERT INTO surveys_ballotbox (form_id, target_id, issued, used, spent_bits, pending, released,
                                           pending_comment_sheets, created_at)
            SELECT %s, id, %s, %s, %s, 0, %s, 0, now() FROM evaluations_campaigntarget WHERE campaign_id = %s
        """, [form_id, per_unit, per_unit, spent, per_unit, campaign_id])
        cursor.execute("""
            INSERT INTO surveys_ballot (box_id, serial, code)
            SELECT b.id, s, upper(substr(md5(random()::text || b.id || '-' || s), 1, 12))
            FROM surveys_ballotbox b, generate_series(1, b.issued) AS s WHERE b.form_id = %s
        """, [form_id])
        # every unit leans its own way: the first option gets its share, the second most of the rest
        cursor.execute(f"""
            INSERT INTO surveys_stafftally (id, target_id, question_id, choice, pending, pending_sum, count, total)
            SELECT {_random_id_sql()}, t.id, q.id, c.value->>0, 0, 0,
                   CASE WHEN c.n = 1 THEN floor(%s * (0.55 + (t.id %% 41) / 100.0))
                        WHEN c.n = 2 THEN %s - floor(%s * (0.55 + (t.id %% 41) / 100.0))
                        ELSE 0 END, 0
            FROM evaluations_campaigntarget t
            CROSS JOIN surveys_question q
            CROSS JOIN LATERAL jsonb_array_elements(q.choices::jsonb) WITH ORDINALITY AS c(value, n)
            WHERE t.campaign_id = %s AND q.form_id = %s AND q.type = 'single_choice'
        """, [per_unit, per_unit, per_unit, campaign_id, form_id])
        cursor.execute(f"""
            INSERT INTO surveys_stafftally (id, target_id, question_id, choice, pending, pending_sum, count, total)
            SELECT {_random_id_sql()}, t.id, q.id, '', 0, 0, %s, %s * coalesce(q.max_score, 10) * 0.8
            FROM evaluations_campaigntarget t CROSS JOIN surveys_question q
            WHERE t.campaign_id = %s AND q.form_id = %s AND q.type = 'score'
        """, [per_unit, per_unit, campaign_id, form_id])
        cursor.execute("SELECT coalesce(sum(used), 0) FROM surveys_ballotbox WHERE form_id = %s", [form_id])
        return cursor.fetchone()[0]


def _sheets(*, form_id: int, campaign_id: int, evaluator_id: int) -> int:
    """Every unit's evaluation sheet scored by the office's evaluator and signed off with those scores."""
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO surveys_sheetentry (question_id, target_id, evaluator_id, score, reason, created_at, updated_at)
            SELECT q.id, t.id, %s, round((coalesce(q.max_score, 10) * (0.6 + random() * 0.4))::numeric, 1), '',
                   now(), now()
            FROM evaluations_campaigntarget t CROSS JOIN surveys_question q
            WHERE t.campaign_id = %s AND q.form_id = %s AND q.type = 'score'
        """, [evaluator_id, campaign_id, form_id])
        cursor.execute("""
            INSERT INTO surveys_sheetsignoff (form_id, target_id, signed_by_id, signed_at, scores)
            SELECT %s, e.target_id, %s, now(), jsonb_object_agg(q.code, e.score::text)
            FROM surveys_sheetentry e JOIN surveys_question q ON q.id = e.question_id
            WHERE q.form_id = %s
            GROUP BY e.target_id
        """, [form_id, evaluator_id, form_id])
        return cursor.rowcount


def province_generate(*, scale: float = 1.0, log=lambda message: None) -> ProvinceSummary:
    """Make the province. PostgreSQL only: the bulk statements are PostgreSQL's."""

    if connection.vendor != "postgresql":
        raise RuntimeError("generate_province needs PostgreSQL (DATABASE_URL=postgres://…)")
    units_n = max(len(CITIES), round(FULL_UNITS * scale))
    answers_n, ballots_n = max(units_n, round(FULL_ANSWERS * scale)), max(units_n, round(FULL_BALLOTS * scale))
    seconds: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        seconds[name] = round(time.perf_counter() - started, 2)
        log(f"{name}: {seconds[name]} s")

    run = Campaign.objects.filter(name__startswith=CAMPAIGN_NAME).count() + 1
    if run > 99 or units_n > 99_999:
        raise RuntimeError("at most 99 provinces of at most 99,999 units in one database")
    started = time.perf_counter()
    with transaction.atomic():
        units = _registry(units_n, run)
    step("registry", started)

    started = time.perf_counter()
    office = _office()
    year = timezone.localdate().year
    name = f"{CAMPAIGN_NAME}（{run}）"
    with transaction.atomic():
        campaign = campaign_create(name=name, year=year, units=units, actor=office)
        satisfaction = satisfaction_form_issue(campaign=campaign, actor=office)
        staff = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=office)
        sheet = form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=office)
    step("campaign", started)

    started = time.perf_counter()
    with transaction.atomic():
        _responses(form_id=satisfaction.pk, campaign_id=campaign.pk, total=answers_n, questions_sql=ANSWER_VALUES_SQL)
    step("satisfaction_answers", started)

    started = time.perf_counter()
    with transaction.atomic():
        spent = _ballots(form_id=staff.pk, campaign_id=campaign.pk, total=ballots_n)
    step("staff_ballots", started)

    started = time.perf_counter()
    with transaction.atomic():
        signoffs = _sheets(form_id=sheet.pk, campaign_id=campaign.pk, evaluator_id=office.pk)
    step("signed_sheets", started)

    started = time.perf_counter()
    with connection.cursor() as cursor:  # fresh statistics, or the planner guesses from empty tables
        for table in ("surveys_surveyresponse", "surveys_answer", "surveys_ballot", "surveys_sheetentry",
                      "evaluations_campaigntarget", "bianzhi_unit", "bianzhi_quota"):
            cursor.execute(f"ANALYZE {table}")
    step("analyze", started)

    return ProvinceSummary(
        campaign_id=campaign.pk, units=len(units),
        satisfaction_responses=satisfaction.responses.count(),
        satisfaction_answers=Answer.objects.filter(response__form=satisfaction).count(),
        staff_ballots=spent, signoffs=signoffs, seconds=seconds,
    )
