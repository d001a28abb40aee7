"""The status board's cells: done, in progress, late, returned, not started."""

from datetime import date

from evaluations.board import DONE, IN_PROGRESS, LATE, NOT_STARTED, RETURNED, board_cells

TODAY = date(2026, 5, 10)


def cells(status, seen=False, **deadlines):
    return board_cells(status=status, notice_seen=seen, deadlines=deadlines, today=TODAY)


def test_a_unit_not_yet_notified_has_nothing_started():
    assert cells("pending") == {"notice": NOT_STARTED, "self_assessment": NOT_STARTED, "field_visit": NOT_STARTED}


def test_an_unread_notice_is_late_after_its_deadline_and_done_once_read():
    assert cells("notified", notice=date(2026, 5, 11))["notice"] == IN_PROGRESS
    assert cells("notified", notice=date(2026, 5, 9))["notice"] == LATE
    assert cells("notified", seen=True, notice=date(2026, 5, 9))["notice"] == DONE


def test_self_assessment_cells():
    assert cells("self_draft", self_assessment=date(2026, 5, 9))["self_assessment"] == LATE
    assert cells("self_draft", self_assessment=date(2026, 5, 10))["self_assessment"] == IN_PROGRESS
    assert cells("self_returned")["self_assessment"] == RETURNED
    # submitted: the office has it, so the unit is not late even after the deadline
    assert cells("self_submitted", self_assessment=date(2026, 5, 1))["self_assessment"] == IN_PROGRESS
    assert cells("self_accepted")["self_assessment"] == DONE


def test_field_visit_cells():
    assert cells("self_accepted")["field_visit"] == NOT_STARTED
    assert cells("field_visit", field_visit=date(2026, 5, 1))["field_visit"] == LATE
    assert cells("field_done", seen=True) == {"notice": DONE, "self_assessment": DONE, "field_visit": DONE}
