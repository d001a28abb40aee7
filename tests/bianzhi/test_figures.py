"""Derived figures on hand-checked examples (pure: no database)."""

from datetime import date

import pytest

from bianzhi.credit_code import check_character, credit_code_complete, credit_code_error
from bianzhi.figures import (
    StaffingFigures,
    UnitFigures,
    add_months,
    figures_by_kind,
    group_overstaffing,
    group_vacancy,
    is_long_vacancy,
    organ_on_institutional_quota,
    overstaffed_kinds,
    posts_over,
    total_figures,
    totals_by,
    vacant_since,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "12100000400000624D"])
def test_published_credit_codes_are_valid(code):
    assert credit_code_error(code) is None


def test_check_character_by_hand():
    # 12100000400000624: the non-zero terms are 1·1, 2·3, 1·9, 4·20, 6·10, 2·30, 4·28
    digits = [1, 2, 1, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 6, 2, 4]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(d * w for d, w in zip(digits, weights))  # 1+6+9+80+60+60+112 = 328
    assert total == 328 and 31 - 328 % 31 == 13  # value 13 is "D" in 0-9A-H…
    assert check_character("12100000400000624") == "D"


def test_check_value_31_becomes_0():
    # A body whose Σ is a multiple of 31 gets check value 31 → "0"
    assert check_character("00000000000000000") == "0"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1210000040000062", "应为18位"),
        ("12100000400000624I", "不允许的字符：I"),
        ("12100000400000624E", "第18位应为D"),
    ],
)
def test_bad_credit_codes_say_why(code, message):
    assert message in credit_code_error(code)


def test_complete_makes_a_valid_code():
    assert credit_code_error(credit_code_complete("11361000000000001")) is None


def test_vacancy_overstaffing_and_rate():
    assert StaffingFigures(45, 43).vacancy == 2 and StaffingFigures(45, 43).overstaffing == 0
    assert StaffingFigures(22, 25).overstaffing == 3 and StaffingFigures(22, 25).vacancy == 0
    assert StaffingFigures(40, 30).vacancy_rate == pytest.approx(0.25)
    assert StaffingFigures(0, 0).vacancy_rate == 0.0


def test_overstaffing_is_judged_kind_by_kind():
    lines = [("administrative", 10, 12), ("service_worker", 5, 2)]  # +2 on one kind, −3 on the other
    assert total_figures(lines).overstaffing == 0  # the total nets them out…
    assert overstaffed_kinds(lines) == {"administrative": 2}  # …per kind it is 超编
    assert figures_by_kind(lines)["service_worker"].vacancy == 3


def test_posts_over_the_approved_number():
    assert posts_over([("division_full", 1, 1), ("division_deputy", 3, 4), ("section_full", 6, 5)]) == {"division_deputy": 1}


def test_organ_on_institutional_quota():
    lines = [("administrative", 20, 18), ("institutional_full", 6, 6)]
    assert organ_on_institutional_quota("party_government", lines)
    assert not organ_on_institutional_quota("public_institution", lines)
    # approved but nobody on it is not yet the irregularity
    assert not organ_on_institutional_quota("party_government", [("institutional_full", 6, 0)])


def test_add_months_clamps_to_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 14) == date(2027, 1, 15)


def test_vacant_since_is_the_start_of_the_latest_unbroken_run():
    history = [(date(2024, 6, 30), 10, 8), (date(2024, 12, 31), 10, 10), (date(2025, 6, 30), 10, 9), (date(2025, 12, 31), 10, 7)]
    assert vacant_since(history) == date(2025, 6, 30)  # the 2024 vacancy was filled at the end of 2024
    assert vacant_since([(date(2025, 6, 30), 10, 9), (date(2025, 12, 31), 10, 11)]) is None


def test_long_vacancy_needs_n_full_months():
    history = [(date(2025, 6, 30), 10, 8), (date(2026, 6, 30), 10, 9)]
    assert not is_long_vacancy(history, as_of=date(2026, 6, 29), months=12)
    assert is_long_vacancy(history, as_of=date(2026, 6, 30), months=12)
    assert is_long_vacancy(history, as_of=date(2025, 12, 30), months=6)
    # versions after as_of are ignored: as of 2025-07-01 the vacancy is one day old
    assert not is_long_vacancy(history, as_of=date(2025, 7, 1), months=1)


def test_totals_by_level_kind_and_county():
    units = [
        UnitFigures("municipal", "party_government", "市本级", (("administrative", 45, 43), ("service_worker", 3, 2))),
        UnitFigures("municipal", "party_government", "市本级", (("administrative", 22, 25),)),
        UnitFigures("county", "public_institution", "东湖县", (("institutional_full", 210, 198),)),
        UnitFigures("county", "party_government", "东湖县", (("administrative", 28, 27),)),
    ]
    by_level = totals_by(units, lambda u: u.level)
    assert by_level["municipal"] == StaffingFigures(70, 70)
    assert by_level["county"] == StaffingFigures(238, 225)
    assert totals_by(units, lambda u: u.kind)["party_government"] == StaffingFigures(98, 97)
    assert totals_by(units, lambda u: u.region)["东湖县"].vacancy == 13
    # across units, kind by kind: 2 + 1 + 12 + 1 vacant, 3 over (the municipal total above shows neither)
    assert group_vacancy(units) == 16 and group_overstaffing(units) == 3


def test_totals_add_every_kind():
    lines = [("administrative", 20, 18), ("service_worker", 3, 2)]
    assert total_figures(lines) == StaffingFigures(approved=23, actual=20)


def test_effective_lines_apply_deposits_and_loans_kind_by_kind():
    from bianzhi.figures import effective_lines

    lines = [("administrative", 20, 18), ("institutional_full", 10, 10)]
    assert effective_lines(lines, {"administrative": -2, "institutional_partial": 5}) == [
        ("administrative", 18, 18), ("institutional_full", 10, 10), ("institutional_partial", 5, 0)]
    assert effective_lines(lines, {}) == lines
