from bianzhi.figures import StaffingFigures, organ_on_institutional_quota, total_figures


def test_vacancy_and_overstaffing_are_exclusive():
    assert StaffingFigures(approved=20, actual=17).vacancy == 3
    assert StaffingFigures(approved=20, actual=17).overstaffing == 0
    assert StaffingFigures(approved=22, actual=25).overstaffing == 3
    assert StaffingFigures(approved=22, actual=25).vacancy == 0


def test_vacancy_rate_of_a_unit_without_quota_is_zero():
    assert StaffingFigures(approved=40, actual=30).vacancy_rate == 0.25
    assert StaffingFigures(approved=0, actual=0).vacancy_rate == 0


def test_totals_add_every_kind():
    lines = [("administrative", 20, 18), ("service_worker", 3, 2)]
    assert total_figures(lines) == StaffingFigures(approved=23, actual=20)


def test_organ_on_institutional_quota_needs_an_organ_with_people_on_such_quotas():
    on_institutional = [("administrative", 20, 18), ("institutional_full", 6, 6)]
    assert organ_on_institutional_quota("party_government", on_institutional)
    assert not organ_on_institutional_quota("public_institution", on_institutional)
    assert not organ_on_institutional_quota("party_government", [("institutional_full", 6, 0)])
