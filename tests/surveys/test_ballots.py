"""测评表 ballots: one use each, under any concurrency, and no way back from an answer to its ballot."""

import subprocess
import threading
import time

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from surveys.models import Answer, Ballot, BallotBox, StaffComment, StaffTally, SurveyResponse
from surveys.selectors import form_statistics
from surveys.services import FormUnavailable, ballot_submit, ballots_issue

from ..factories import CampaignTargetFactory, QuotaFactory, UserFactory
from .conftest import STAFF_ANSWERS

pytestmark = pytest.mark.django_db


def test_issue_gives_as_many_ballots_as_the_unit_has_staff(box, staff_target):
    # the fixture's unit has 10 actual staff
    assert box.issued == 10 and box.ballots.count() == 10
    assert len({b.code for b in box.ballots.all()}) == 10


def test_issue_a_given_number_adds_to_the_box(box, staff_form, staff_target, evaluator):
    box = ballots_issue(form=staff_form, target=staff_target, actor=evaluator, count=3)
    assert box.issued == 13
    assert list(box.ballots.values_list("serial", flat=True).order_by("serial")) == list(range(1, 14))


@pytest.mark.parametrize("count", [0, -1, 5001])
def test_issue_refuses_a_silly_number(staff_form, staff_target, evaluator, count):
    with pytest.raises(ApplicationError, match="发放数量"):
        ballots_issue(form=staff_form, target=staff_target, actor=evaluator, count=count)
    assert not Ballot.objects.exists()


def test_a_ballot_is_filled_once_on_the_public_page_then_says_used(client, box):
    ballot = box.ballots.first()
    url = reverse("surveys:fill", args=[ballot.code])
    page = client.get(url)
    assert page.status_code == 200 and box.target.unit.name in page.content.decode()
    assert client.post(url, {**STAFF_ANSWERS, "comment": "分工明确"}).status_code == 302
    again = client.post(url, STAFF_ANSWERS)
    assert again.status_code == 410 and "已经使用过" in again.content.decode()
    assert client.get(url).status_code == 410
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()  # no answer sheet at all
    box.refresh_from_db()
    assert box.used == 1 and box.is_spent(ballot.serial) and box.pending == 1
    assert StaffTally.objects.filter(target=box.target).aggregate(n=Sum("pending"))["n"] == 8
    assert list(StaffComment.objects.values_list("text", "released")) == [("分工明确", False)]


def test_the_short_code_can_be_typed_in_any_case_with_dashes(client, box):
    ballot = box.ballots.first()
    typed = ballot.display_code.lower()
    response = client.get(reverse("surveys:enter"), {"code": typed})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_code_says_so(client, box):
    response = client.get(reverse("surveys:fill", args=["ZZZZZZZZZZZZ"]))
    assert response.status_code == 404 and "票码无效" in response.content.decode()


def test_an_invalid_ballot_answer_spends_nothing(client, box):
    ballot = box.ballots.first()
    partial = {**STAFF_ANSWERS, "comment": "说明"}
    del partial["d3"]
    response = client.post(reverse("surveys:fill", args=[ballot.code]), partial)
    assert response.status_code == 400 and "说明" in response.content.decode()
    box.refresh_from_db()
    assert box.used == 0 and not box.is_spent(ballot.serial) and box.pending == 0
    assert not StaffTally.objects.filter(pending__gt=0).exists() and not StaffComment.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Anonymity: try to re-identify, and fail
# ---------------------------------------------------------------------------------------------------------
def _submit_all_in_serial_order(box):
    """Each ballot answers differently, so an answer would betray its ballot if anything linked them."""
    ballots = list(box.ballots.order_by("serial"))
    for ballot in ballots:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": f"票{ballot.serial}"})
    return ballots


STAFF_TABLES = (StaffTally, StaffComment)


def test_staff_tables_have_no_column_that_could_point_to_a_ballot_a_person_or_a_time():
    forbidden_targets = {Ballot, BallotBox, User}
    for model in (*STAFF_TABLES, SurveyResponse, Answer):
        for field in model._meta.concrete_fields:
            assert field.get_internal_type() not in {"DateTimeField", "DateField", "TimeField", "GenericIPAddressField"} \
                or model is SurveyResponse, field  # public forms keep the day; staff tables keep no date at all
            assert getattr(field, "related_model", None) not in forbidden_targets, field
            assert not any(word in field.name for word in ("ballot", "token", "ip", "agent", "user", "device")), field
    # and the same seen from the database: no foreign key from the answer tables to a ballot or a user
    with connection.cursor() as cursor:
        for model in (*STAFF_TABLES, SurveyResponse, Answer):
            for constraint in connection.introspection.get_constraints(cursor, model._meta.db_table).values():
                if constraint["foreign_key"]:
                    assert constraint["foreign_key"][0] not in {"surveys_ballot", "surveys_ballotbox", "bianzhi_user"}


def test_comment_ids_do_not_follow_the_order_of_ballots_or_of_submissions(box):
    ballots_issue(form=box.form, target=box.target, actor=None, count=10)
    box.refresh_from_db()
    ballots = _submit_all_in_serial_order(box)  # 20 ballots: four batches of five, all released
    by_id = list(StaffComment.objects.order_by("id").values_list("text", flat=True))
    submitted = [f"票{b.serial}" for b in ballots]
    assert sorted(by_id) == sorted(submitted) and StaffComment.objects.filter(released=True).count() == 20
    assert by_id not in (submitted, submitted[::-1])  # 2 chances in 20! that a random order looks like either
    assert not SurveyResponse.objects.exists()


def test_the_spent_set_keeps_no_order_of_use(box, staff_form, evaluator):
    ballots = list(box.ballots.order_by("-serial"))  # used in reverse order
    for ballot in ballots[:5]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    box.refresh_from_db()
    other = CampaignTargetFactory(campaign=staff_form.campaign)
    QuotaFactory(unit=other.unit, approved=12, actual=10)
    forward = ballots_issue(form=staff_form, target=other, actor=evaluator)
    for ballot in forward.ballots.order_by("serial")[5:]:  # the same serials, in the opposite order
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    forward.refresh_from_db()
    assert bytes(box.spent_bits) == bytes(forward.spent_bits) == bytes([0b11100000, 0b11])  # serials 6–10
    assert {f.name for f in BallotBox._meta.concrete_fields}.isdisjoint({"updated_at", "spent_at", "used_at"})
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "box", "serial", "code"}


def test_postgres_system_columns_cannot_join_an_answer_to_its_ballot(postgres, box):
    """A row written in the answer's transaction would share its xmin; the ballots are never written again,
    and every tally row of the unit is written by every ballot, so the rows one ballot changed do not stand out."""
    ballots = list(box.ballots.order_by("serial"))[:7]  # 7 ballots: one batch released, two pending
    for ballot in ballots:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": f"票{ballot.serial}"})
    with connection.cursor() as cursor:
        for table in ("surveys_stafftally", "surveys_staffcomment"):
            cursor.execute(
                f"SELECT count(*) FROM surveys_ballot b JOIN {table} t ON b.xmin = t.xmin WHERE b.box_id = %s", [box.pk],
            )
            assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_ballot WHERE box_id = %s", [box.pk])
        assert cursor.fetchone()[0] == 1  # all ballots still carry the transaction that issued them
        cursor.execute("SELECT count(*), count(DISTINCT xmin::text) FROM surveys_stafftally WHERE target_id = %s",
                       [box.target_id])
        assert cursor.fetchone() == (8 * 3, 1)  # 8 questions × 3 options, all rewritten by the latest ballot
        cursor.execute("SELECT released, count(*), count(DISTINCT xmin::text) FROM surveys_staffcomment "
                       "WHERE target_id = %s GROUP BY released ORDER BY released", [box.target_id])
        assert cursor.fetchall() == [(False, 2, 1), (True, 5, 1)]  # each group written at once
    assert len(ballots) == 7


def test_statistics_move_only_by_whole_batches_so_one_ballot_cannot_be_isolated(box, evaluator):
    """Reading the figures before and after one ballot (the API, the pages, an export) shows no difference
    until a batch of at least the threshold has gathered; then the whole batch moves at once."""
    ballots_issue(form=box.form, target=box.target, actor=evaluator, count=10)
    ballots = list(box.ballots.order_by("serial"))
    client = Client()
    client.force_login(evaluator)
    url = f"/api/v1/forms/{box.form_id}/statistics/"
    seen = []
    for i, ballot in enumerate(ballots[:12]):
        answers = {**STAFF_ANSWERS, "d1": "dissatisfied" if i % 2 else "satisfied"}
        ballot_submit(code=ballot.code, data={**answers, "comment": f"意见{i}"})
        unit = client.get(url).json()["units"][0]
        seen.append((unit["responses"], unit["pending"], unit["total"]["counts"], unit["dimensions"]))
    released = [s[0] for s in seen]
    assert released == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10]
    assert [s[1] for s in seen] == [1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2]
    for before, after in zip(seen, seen[1:]):
        if before[0] == after[0]:
            assert before[2:] == after[2:]  # nothing moved: this ballot is not visible yet
    assert seen[9][3]["D1"]["counts"] == {"satisfied": 5, "dissatisfied": 5}
    # comments: the 11th and 12th wait for their batch, whoever asks
    page = client.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id])).content.decode()
    assert all(f"意见{i}" in page for i in range(10)) and "意见10" not in page and "意见11" not in page
    assert "另有 2 份测评票已提交、尚未计入" in page


def test_the_units_own_liaison_never_reads_staff_comments(box, evaluator):
    for i, ballot in enumerate(box.ballots.order_by("serial")[:5]):
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": f"同事的意见{i}"})
    own = UserFactory(role=User.Role.LIAISON, unit=box.target.unit)
    client = Client()
    client.force_login(own)
    page = client.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id]))
    assert page.status_code == 200 and "同事的意见" not in page.content.decode()
    assert "只向评估人员提供" in page.content.decode()
    assert "同事的意见" not in client.get(f"/api/v1/forms/{box.form_id}/statistics/").content.decode()
    assert client.get(f"/api/v1/forms/{box.form_id}/responses/").status_code in {403, 404}
    office = Client()
    office.force_login(evaluator)
    assert "同事的意见0" in office.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id])).content.decode()


def _queries_of_one_ballot(box, ballot) -> int:
    with CaptureQueriesContext(connection) as queries:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": "意见"})
    return len(queries)


def test_a_ballot_costs_the_same_number_of_queries_with_1_or_400_answers_in_the_unit(staff_form, evaluator):
    """Issue 10 #19: the cost of a ballot does not grow with its unit."""
    small_target, large_target = CampaignTargetFactory(campaign=staff_form.campaign), CampaignTargetFactory(
        campaign=staff_form.campaign)
    small = ballots_issue(form=staff_form, target=small_target, actor=evaluator, count=3)
    large = ballots_issue(form=staff_form, target=large_target, actor=evaluator, count=402)
    small_ballots, large_ballots = list(small.ballots.order_by("serial")), list(large.ballots.order_by("serial"))
    ballot_submit(code=small_ballots[0].code, data={**STAFF_ANSWERS, "comment": "意见"})
    for ballot in large_ballots[:400]:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": "意见"})
    # the 2nd and the 401st ballot: neither completes a batch (5), both join a pool of comments
    with_1, with_400 = _queries_of_one_ballot(small, small_ballots[1]), _queries_of_one_ballot(large, large_ballots[400])
    assert with_1 == with_400 <= 10
    # and across a whole batch the worst case is bounded too
    assert _queries_of_one_ballot(large, large_ballots[401]) <= 10
    stats = form_statistics(form=staff_form).units[large_target.pk]
    assert stats.responses + stats.pending == 402 and stats.responses == 400


# ---------------------------------------------------------------------------------------------------------
# Concurrency: 50 simultaneous submissions of one ballot, exactly one accepted
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.services
def test_fifty_simultaneous_submissions_of_one_ballot_give_exactly_one_answer(transactional_db, postgres, evaluator):
    from surveys.models import Form
    from surveys.services import form_create

    from ..factories import CampaignTargetFactory

    target = CampaignTargetFactory()
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    box = ballots_issue(form=form, target=target, actor=evaluator, count=3)
    code = box.ballots.first().code
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit():
        try:
            start.wait()
            ballot_submit(code=code, data=STAFF_ANSWERS)
            result = "accepted"
        except FormUnavailable as exc:
            result = exc.reason
        except Exception as exc:  # anything else is a bug: keep it visible
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(set(outcomes)) == ["accepted", "used"], outcomes
    assert outcomes.count("accepted") == 1 and outcomes.count("used") == 49
    assert StaffTally.objects.filter(target=target).aggregate(n=Sum("pending"))["n"] == 8  # one ballot, 8 answers
    box.refresh_from_db()
    assert box.used == 1 and box.pending == 1


@pytest.mark.services
def test_fifty_simultaneous_ballots_into_a_unit_of_400_are_each_counted_once(transactional_db, postgres, evaluator):
    from surveys.models import Form
    from surveys.services import form_create

    from ..factories import CampaignTargetFactory

    target = CampaignTargetFactory()
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    box = ballots_issue(form=form, target=target, actor=evaluator, count=400)
    ballots = list(box.ballots.order_by("serial"))
    for ballot in ballots[:350]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(ballot, n):
        try:
            start.wait()
            ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "d2": "dissatisfied", "comment": f"并发{n}"})
            result = "accepted"
        except Exception as exc:  # anything is a bug here: keep it visible
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(b, n)) for n, b in enumerate(ballots[350:])]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    seconds = time.perf_counter() - started
    assert outcomes == ["accepted"] * 50, outcomes
    box.refresh_from_db()
    assert box.used == 400 and box.released == 400 and box.pending == 0
    counts = dict(StaffTally.objects.filter(target=target, question__code="d2").values_list("choice", "count"))
    assert counts == {"satisfied": 350, "basically_satisfied": 0, "dissatisfied": 50}
    assert StaffTally.objects.filter(target=target).aggregate(n=Sum("count"))["n"] == 400 * 8
    assert sorted(StaffComment.objects.filter(target=target).values_list("text", flat=True)) == sorted(
        f"并发{n}" for n in range(50))
    assert seconds < 10, seconds  # the benchmark (make bench, P8) holds the 2 s goal; here only a sanity bound


# ---------------------------------------------------------------------------------------------------------
# Printing, and who may
# ---------------------------------------------------------------------------------------------------------
def test_ballot_sheet_is_an_a4_pdf_with_qr_codes_and_short_codes(box, evaluator):
    from io import BytesIO

    from pypdf import PdfReader

    client = Client()
    client.force_login(evaluator)
    response = client.get(reverse("surveys:ballots_sheet", args=[box.form_id, box.target_id]), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert box.target.unit.name in text
    for ballot in box.ballots.all():
        assert ballot.display_code in text
    # the QR codes are vector drawings: rasterised, a page of them is far darker than a page of text
    pgm = subprocess.run(["pdftoppm", "-r", "20", "-gray", "-f", "1", "-l", "1", "-"], input=response.content,
                         capture_output=True, check=True).stdout
    pixels = pgm.split(b"\n", 3)[3]
    assert sum(1 for p in pixels if p < 128) / len(pixels) > 0.05


def test_ballot_list_shows_codes_to_the_office_only(box, evaluator, leader, liaison):
    url = reverse("surveys:ballots_sheet", args=[box.form_id, box.target_id])
    office = Client()
    office.force_login(evaluator)
    page = office.get(url).content.decode()
    assert all(b.display_code in page for b in box.ballots.all())
    for user, refused in ((leader, 403), (liaison, 404)):  # another unit's liaison does not see the form
        other = Client()
        other.force_login(user)
        assert other.get(url).status_code == refused
    assert Client().get(url).status_code == 302


def test_office_sees_issued_used_and_response_rate(box, evaluator):
    for ballot in list(box.ballots.all())[:4]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    client = Client()
    client.force_login(evaluator)
    page = client.get(reverse("surveys:form_detail", args=[box.form_id])).content.decode()
    row = page.split(f'id="target-{box.target_id}"')[1].split("</tr>")[0]
    assert ">10<" in row and ">4<" in row and "40%" in row
    assert "不足" in row  # 4 answers: below the threshold of 5, no rate shown


def test_the_database_keeps_no_hidden_order_of_the_staff_answers(box):
    """Not even the rowid (SQLite) or the place and writing transaction of a row (PostgreSQL)."""
    ballots_issue(form=box.form, target=box.target, actor=None, count=10)
    submitted = [f"票{b.serial}" for b in _submit_all_in_serial_order(box)]
    hidden = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM surveys_staffcomment ORDER BY {hidden}")
        by_place = [row[0] for row in cursor.fetchall()]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_staffcomment")
            assert cursor.fetchone()[0] == 4  # one per released batch of five, never one per ballot
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_stafftally")
            assert cursor.fetchone()[0] == 1
    assert sorted(by_place) == sorted(submitted)
    assert by_place not in (submitted, submitted[::-1])
    # within a batch too: the first five by place are not the first five submitted, in order
    assert by_place[:5] != submitted[:5] or by_place[5:10] != submitted[5:10]


def test_a_large_unit_prints_its_ballots_in_several_pdfs(box, evaluator, monkeypatch):
    from surveys import views

    monkeypatch.setattr(views, "BALLOTS_PER_PDF", 4)  # the fixture's 10 ballots: 1–4, 5–8, 9–10
    client = Client()
    client.force_login(evaluator)
    url = reverse("surveys:ballots_sheet", args=[box.form_id, box.target_id])
    page = client.get(url).content.decode()
    assert "第 1–4 张" in page and "第 9–10 张" in page
    last = client.get(url, {"format": "pdf", "part": 3})
    text = subprocess.run(["pdftotext", "-", "-"], input=last.content, capture_output=True, check=True).stdout.decode()
    serials = {b.serial: b.display_code for b in box.ballots.all()}
    assert serials[9] in text and serials[10] in text and serials[8] not in text
    assert client.get(url, {"format": "pdf", "part": 4}).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# The migration: answer sheets kept by the old design become tallies and detached comments
# ---------------------------------------------------------------------------------------------------------
def test_the_migration_turns_old_staff_sheets_into_tallies_and_forgets_their_day(transactional_db, staff_form,
                                                                                evaluator):
    from django.db.migrations.executor import MigrationExecutor

    shown, small = staff_form.campaign.targets.get(), CampaignTargetFactory(campaign=staff_form.campaign)
    big_box = ballots_issue(form=staff_form, target=shown, actor=evaluator, count=6)
    small_box = ballots_issue(form=staff_form, target=small, actor=evaluator, count=3)
    before = [("surveys", "0002_forms_ballots_sheet")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldResponse, OldAnswer, OldBox = (old.get_model("surveys", name) for name in ("SurveyResponse", "Answer", "BallotBox"))
    questions = dict(old.get_model("surveys", "Question").objects.filter(form_id=staff_form.pk).values_list("code", "pk"))
    for box, n in ((big_box, 6), (small_box, 2)):
        ballots = list(box.ballots.order_by("serial"))[:n]
        for i, _ballot in enumerate(ballots):
            response = OldResponse.objects.create(form_id=staff_form.pk, target_id=box.target_id)
            for code in STAFF_ANSWERS:
                OldAnswer.objects.create(response=response, question_id=questions[code],
                                         choice="dissatisfied" if (code, i) == ("d1", 0) else "satisfied")
            OldAnswer.objects.create(response=response, question_id=questions["comment"], text=f"旧意见{box.pk}-{i}")
        OldBox.objects.filter(pk=box.pk).update(used=n, spent=sorted(b.pk for b in ballots))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # everything again, whatever else depends on surveys
    assert not SurveyResponse.objects.filter(form=staff_form).exists()  # the sheets and their day are gone
    big_box.refresh_from_db()
    small_box.refresh_from_db()
    assert (big_box.released, big_box.pending, big_box.pending_comment_sheets) == (6, 0, 0)  # it showed them
    assert (small_box.released, small_box.pending, small_box.pending_comment_sheets) == (0, 2, 2)
    assert all(big_box.is_spent(s) for s in range(1, 7)) and [small_box.is_spent(s) for s in (1, 2, 3)] == [
        True, True, False]
    d1 = dict(StaffTally.objects.filter(target=shown, question__code="d1").values_list("choice", "count"))
    assert d1 == {"satisfied": 5, "basically_satisfied": 0, "dissatisfied": 1}
    assert StaffComment.objects.filter(target=shown, released=True).count() == 6
    assert StaffComment.objects.filter(target=small, released=False).count() == 2
    stats = form_statistics(form=staff_form)
    assert stats.units[shown.pk].responses == 6 and stats.units[small.pk].hidden
    # and the next ballot of the small unit joins its pool
    ballot_submit(code=small_box.ballots.get(serial=3).code, data=STAFF_ANSWERS)
    small_box.refresh_from_db()
    assert small_box.pending == 3 and small_box.used == 3
