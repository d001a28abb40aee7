"""Reading the registry workbook: every error of the issue's list, without a database."""

import io
import zipfile
from datetime import date

import openpyxl

from bianzhi.exporters import mark_issues, template_workbook
from bianzhi.importers import KnownUnit, parse_registry, registry_issues

from ..factories import UnitRecordFactory
from .xlsx import edited, parse, where, workbook


def test_a_written_workbook_reads_back_as_the_same_records():
    records = [
        UnitRecordFactory(code="A1", rank="division_full", approval_number="临编发〔2019〕1号", approval_date=date(2019, 3, 1),
                          quotas=(("administrative", 30, 28), ("service_worker", 3, 0)),
                          posts=(("division_full", 1, 1), ("division_deputy", 3, 4)),
                          functions=("职责一", "职责二"), bodies=(("办公室", "日常运转"), ("业务科", ""))),
        UnitRecordFactory(code="A2", kind="public_institution", institution_class="public_welfare_1", parent_code="A1",
                          supervisor_code="A1", status="abolished", abolished_on=date(2025, 12, 31),
                          quotas=(("institutional_full", 12, 12),)),
    ]
    parsed = parse(workbook(*records))
    assert parsed.issues == []
    assert parsed.units == records


def test_the_template_has_instructions_dropdowns_and_an_example_that_imports():
    data = template_workbook()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["单位", "领导职数", "主要职责", "内设机构", "填写说明"]
    units = wb["单位"]
    assert units["A1"].value == "单位代码*" and units["C1"].value == "简称"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in units.data_validations.dataValidation}
    assert lists["E2"] == '"党政机关,群团机关,事业单位"' and "公益一类" in lists["F2"]
    assert "必填" in "".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
    example = parse(data)
    assert example.issues == [] and [u.code for u in example.units] == ["示例001"]


def test_missing_and_unknown_headers():
    data = edited(workbook(UnitRecordFactory()), "单位", "B1", "名称")
    parsed = parse(data)
    messages = [i.message for i in parsed.issues]
    assert "缺少表头“单位名称”" in messages
    assert any("无法识别的表头“名称”" in m for m in messages)
    assert parsed.units == []


def test_a_required_cell_left_empty():
    parsed = parse(edited(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "B3", None))
    assert where(parsed) == [("单位", 3, "单位名称")]
    assert parsed.issues[0].message == "必填，不能为空" and parsed.issues[0].column == 2


def test_text_in_a_number_cell():
    parsed = parse(edited(workbook(UnitRecordFactory()), "单位", "Q2", "二十"))
    assert where(parsed) == [("单位", 2, "行政编制核定数")]
    assert "应填写整数" in parsed.issues[0].message


def test_digits_typed_as_text_are_accepted_but_decimals_are_not():
    assert parse(edited(workbook(UnitRecordFactory()), "单位", "Q2", "25")).units[0].quotas[0] == ("administrative", 25, 18)
    assert "小数" in parse(edited(workbook(UnitRecordFactory()), "单位", "Q2", 2.5)).issues[0].message


def test_negative_numbers():
    parsed = parse(edited(workbook(UnitRecordFactory()), "单位", "R2", -3))
    assert where(parsed) == [("单位", 2, "行政编制实有数")] and "不能是负数" in parsed.issues[0].message


def test_duplicate_unit_codes():
    parsed = parse(workbook(UnitRecordFactory(code="D1"), UnitRecordFactory(code="D1")))
    assert where(parsed) == [("单位", 3, "单位代码")] and "第2行已有" in parsed.issues[0].message


def test_duplicate_credit_codes_in_the_file():
    parsed = parse(workbook(UnitRecordFactory(credit_code="91350100M000100Y43"),
                            UnitRecordFactory(credit_code="91350100M000100Y43")))
    assert where(parsed) == [("单位", 3, "统一社会信用代码")]


def test_a_bad_credit_code():
    parsed = parse(edited(workbook(UnitRecordFactory()), "单位", "D2", "91350100M000100Y44"))
    assert where(parsed) == [("单位", 2, "统一社会信用代码")] and "第18位应为3" in parsed.issues[0].message


def test_an_unknown_choice_and_a_bad_date():
    data = edited(edited(workbook(UnitRecordFactory()), "单位", "E2", "机关"), "单位", "P2", "去年")
    parsed = parse(data)
    assert where(parsed) == [("单位", 2, "单位类别"), ("单位", 2, "统计截至日期")]
    assert "应为：党政机关、群团机关、事业单位" in parsed.issues[0].message


def test_an_abolished_unit_needs_its_date_and_only_institutions_have_a_class():
    parsed = parse(workbook(UnitRecordFactory(status="abolished"), UnitRecordFactory(institution_class="business")))
    assert where(parsed) == [("单位", 2, "撤销日期"), ("单位", 3, "事业单位类别")]


def test_unknown_parent():
    records = [UnitRecordFactory(code="P1", parent_code="NOPE", row=2)]
    issues = registry_issues(records, known={"OTHER": KnownUnit("", "", "")})
    assert [(i.row, i.header) for i in issues] == [(2, "上级单位代码")] and "“NOPE”不存在" in issues[0].message
    assert registry_issues([UnitRecordFactory(parent_code="OTHER")], known={"OTHER": KnownUnit("", "", "")}) == []


def test_a_cycle_in_the_tree():
    records = [UnitRecordFactory(code="A", parent_code="B", row=2), UnitRecordFactory(code="B", parent_code="C", row=3)]
    # C is in the registry already, under A: A → B → C → A
    issues = registry_issues(records, known={"C": KnownUnit("A", "", "")})
    assert [(i.row, i.header) for i in issues] == [(2, "上级单位代码"), (3, "上级单位代码")]
    assert "A → B → C → A" in issues[0].message


def test_a_unit_as_its_own_parent():
    parsed = parse(workbook(UnitRecordFactory(code="S", supervisor_code="S")))
    assert where(parsed) == [("单位", 2, "主管部门代码")] and "循环" in parsed.issues[0].message


def test_a_credit_code_held_by_another_unit_in_the_registry():
    record = UnitRecordFactory(code="NEW", credit_code="91350100M000100Y43", row=2)
    issues = registry_issues([record], known={"OLD": KnownUnit("", "", "91350100M000100Y43")})
    assert [(i.row, i.header) for i in issues] == [(2, "统一社会信用代码")] and "OLD" in issues[0].message
    # …unless that unit gives it up in the same file
    freed = UnitRecordFactory(code="OLD", credit_code="91110000600037341L", row=3)
    assert registry_issues([record, freed], known={"OLD": KnownUnit("", "", "91350100M000100Y43")}) == []


def test_a_file_that_is_not_xlsx():
    for data in (b"code,name\nA,B\n", b"\xd0\xcf\x11\xe0 an old .xls", _zip_without_workbook()):
        parsed = parse(data)
        assert parsed.units == [] and len(parsed.issues) == 1 and parsed.issues[0].row is None
        assert "Excel" in parsed.issues[0].message


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def test_an_empty_sheet():
    assert [i.message for i in parse(workbook()).issues] == ["工作表“单位”中没有数据"]
    wb = openpyxl.Workbook()
    wb.active.title = "单位"
    out = io.BytesIO()
    wb.save(out)
    assert [i.message for i in parse(out.getvalue()).issues] == ["工作表是空的：第一行应为表头"]


def test_a_file_over_the_size_limit():
    data = workbook(UnitRecordFactory())
    parsed = parse_registry(data, max_bytes=len(data) - 1)
    assert parsed.units == [] and "文件过大" in parsed.issues[0].message
    assert parse_registry(data, max_bytes=len(data)).issues == []


def test_child_rows_must_belong_to_a_unit_of_the_file():
    data = edited(workbook(UnitRecordFactory(code="K1", posts=(("division_full", 1, 1),))), "领导职数", "A2", "K9")
    assert where(parse(data)) == [("领导职数", 2, "单位代码")]


def test_every_problem_is_reported_at_once():
    data = workbook(UnitRecordFactory(), UnitRecordFactory(), UnitRecordFactory())
    for cell, value in (("B2", None), ("Q3", -1), ("D4", "123")):
        data = edited(data, "单位", cell, value)
    assert where(parse(data)) == [("单位", 2, "单位名称"), ("单位", 3, "行政编制核定数"), ("单位", 4, "统一社会信用代码")]


def test_the_file_comes_back_with_bad_cells_marked_and_commented():
    data = edited(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "R3", -2)
    marked = openpyxl.load_workbook(io.BytesIO(mark_issues(data, parse(data).issues)))["单位"]
    assert marked["R3"].fill.fgColor.rgb.endswith("FF9999")
    assert "不能是负数" in marked["R3"].comment.text
    assert marked["R2"].comment is None and marked["R3"].value == -2  # what was typed stays


def test_dates_typed_as_text_in_the_usual_ways():
    for typed in ("2026-06-30", "2026/6/30", "2026.6.30", "2026年6月30日"):
        assert parse(edited(workbook(UnitRecordFactory()), "单位", "P2", typed)).units[0].staff_as_of == date(2026, 6, 30)
    assert "应为日期" in parse(edited(workbook(UnitRecordFactory()), "单位", "P2", "2026-02-30")).issues[0].message
