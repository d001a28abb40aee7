"""测评表 ballots: one use each, under any concurrency, and no way back from an answer to its ballot."""

import subprocess
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from surveys.models import Answer, Ballot, BallotBox, SurveyResponse
from surveys.services import FormUnavailable, ballot_submit, ballots_issue

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
    assert SurveyResponse.objects.count() == 1
    box.refresh_from_db()
    assert box.used == 1 and box.spent == [ballot.pk]


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
    assert box.used == 0 and box.spent == [] and not SurveyResponse.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Anonymity: try to re-identify, and fail
# ---------------------------------------------------------------------------------------------------------
def _submit_all_in_serial_order(box):
    """Each ballot answers differently, so an answer would betray its ballot if anything linked them."""
    ballots = list(box.ballots.order_by("serial"))
    for ballot in ballots:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": f"票{ballot.serial}"})
    return ballots


def test_answer_tables_have_no_column_that_could_point_to_a_ballot_a_person_or_a_time():
    forbidden_targets = {Ballot, BallotBox, User}
    for model in (SurveyResponse, Answer):
        for field in model._meta.concrete_fields:
            assert field.get_internal_type() not in {"DateTimeField", "TimeField", "GenericIPAddressField"}, field
            assert getattr(field, "related_model", None) not in forbidden_targets, field
            assert not any(word in field.name for word in ("ballot", "token", "ip", "agent", "user", "device")), field
    # and the same seen from the database: no foreign key from the answer tables to a ballot or a user
    with connection.cursor() as cursor:
        for table in (SurveyResponse._meta.db_table, Answer._meta.db_table):
            for constraint in connection.introspection.get_constraints(cursor, table).values():
                if constraint["foreign_key"]:
                    assert constraint["foreign_key"][0] not in {"surveys_ballot", "surveys_ballotbox", "bianzhi_user"}


def test_response_ids_do_not_follow_the_order_of_ballots_or_of_submissions(box):
    ballots_issue(form=box.form, target=box.target, actor=None, count=10)
    box.refresh_from_db()
    ballots = _submit_all_in_serial_order(box)
    by_id = [a.text for a in Answer.objects.filter(question__code="comment").order_by("response_id")]
    submitted = [f"票{b.serial}" for b in ballots]
    assert sorted(by_id) == sorted(submitted)
    assert by_id not in (submitted, submitted[::-1])  # 2 chances in 20! that a random order looks like either
    assert SurveyResponse.objects.filter(submitted_on__isnull=False).count() == 20


def test_the_spent_set_keeps_no_order_of_use(box):
    ballots = list(box.ballots.order_by("-serial"))  # used in reverse order
    for ballot in ballots[:5]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    box.refresh_from_db()
    assert box.spent == sorted(b.pk for b in ballots[:5])
    assert {f.name for f in BallotBox._meta.concrete_fields}.isdisjoint({"updated_at", "spent_at", "used_at"})
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "box", "serial", "code"}


def test_postgres_system_columns_cannot_join_an_answer_to_its_ballot(postgres, box):
    """A row written in the answer's transaction would share its xmin; the ballots are never written again."""
    _submit_all_in_serial_order(box)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM surveys_ballot b JOIN surveys_surveyresponse r ON b.xmin = r.xmin "
            "WHERE b.box_id = %s", [box.pk],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_ballot WHERE box_id = %s", [box.pk])
        assert cursor.fetchone()[0] == 1  # all ballots still carry the transaction that issued them


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
    assert SurveyResponse.objects.filter(form=form).count() == 1
    assert Answer.objects.filter(response__form=form).count() == 8
    box.refresh_from_db()
    assert box.used == 1 and len(box.spent) == 1


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
        cursor.execute(
            f"SELECT a.text FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id "
            f"WHERE q.code = 'comment' ORDER BY a.{hidden}"
        )
        by_place = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT r.{hidden} FROM surveys_surveyresponse r ORDER BY r.{hidden}")
        assert len(cursor.fetchall()) == 20
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_surveyresponse")
            assert cursor.fetchone()[0] == 1  # all written by the latest answer's transaction
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_answer")
            assert cursor.fetchone()[0] == 1
    assert sorted(by_place) == sorted(submitted)
    assert by_place not in (submitted, submitted[::-1])


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
