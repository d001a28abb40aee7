"""Registry files the importer must refuse rather than guess at: formulas (with and without a cached value),
merged cells (across columns and down rows), and the noise one mistake used to make (follow-on errors, an
unbounded list). Real xlsx files written by openpyxl; the web page and the command as well as the parser."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bianzhi.exporters import mark_issues
from bianzhi.importers import MAX_LISTED_ISSUES
from bianzhi.models import Unit

from ..factories import UnitRecordFactory
from .xlsx import edited, parse, workbook


def with_cached_value(data: bytes, sheet_xml: str, cell: str, cached: str) -> bytes:
    """The file as Excel saves it: the formula in <f> and its last result in <v> (openpyxl writes no <v>)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == sheet_xml:
                text = content.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                # openpyxl writes an empty value (<v/>, <v />, or <v></v> through lxml): drop it
                cell_xml = re.sub(r"<v\s*/>|<v></v>", "", text[start:end])
                assert "<f>" in cell_xml and "<v>" not in cell_xml
                text = text[:start] + cell_xml + f"<v>{cached}</v>" + text[end:]
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def merged(data: bytes, sheet: str, ref: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[sheet].merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messages(parsed) -> list[str]:
    return [i.message for i in parsed.issues]


# ---------------------------------------------------------------------------------------------------------
# Formulas
# ---------------------------------------------------------------------------------------------------------
def test_a_formula_without_a_cached_value_is_refused_naming_the_cell():
    """Before: read as None → a quota of 0, imported silently."""
    data = edited(workbook(UnitRecordFactory(quotas=(("administrative", 30, 28),))), "单位", "Q2", "=20+10")
    parsed = parse(data)
    assert [(i.sheet, i.row, i.column, i.header) for i in parsed.issues] == [("单位", 2, 17, "行政编制核定数")]
    assert "单元格 Q2 是公式（=20+10）" in parsed.issues[0].message and "数值" in parsed.issues[0].message
    assert parsed.units == []


def test_a_formula_with_a_cached_value_is_refused_too():
    data = edited(workbook(UnitRecordFactory(quotas=(("administrative", 30, 28),))), "单位", "Q2", "=20+10")
    data = with_cached_value(data, "xl/worksheets/sheet1.xml", "Q2", "30")
    assert openpyxl.load_workbook(io.BytesIO(data), data_only=True)["单位"]["Q2"].value == 30  # as Excel saves it
    parsed = parse(data)
    assert len(parsed.issues) == 1 and "单元格 Q2 是公式" in parsed.issues[0].message
    assert parsed.units == []


def test_a_formula_in_a_required_cell_is_called_a_formula_not_an_empty_cell():
    parsed = parse(edited(workbook(UnitRecordFactory()), "单位", "B2", '=CONCAT("临川市","教育局")'))
    assert messages(parsed) == [next(m for m in messages(parsed) if "单元格 B2 是公式" in m)]
    assert "必填，不能为空" not in messages(parsed)


def test_text_that_merely_starts_with_an_equals_sign_is_text_and_an_export_reads_back_unchanged():
    record = UnitRecordFactory(name="=临川市数据局", approval_number="-临编发〔2020〕1号")
    parsed = parse(workbook(record))  # the export writes "'=…" (made inert); the import reads back what was typed
    assert parsed.issues == [] and parsed.units == [record]


# ---------------------------------------------------------------------------------------------------------
# Merged cells
# ---------------------------------------------------------------------------------------------------------
def test_cells_merged_across_columns_are_refused_naming_the_range():
    """Before: the second column read as blank, silently (简称 lost)."""
    data = merged(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "B3:C3")
    parsed = parse(data)
    assert len(parsed.issues) == 1, messages(parsed)
    issue = parsed.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("单位", 3, 2) and "单元格 B3:C3 是合并单元格" in issue.message
    assert [u.row for u in parsed.units] == [2]  # the service then imports nothing: one issue is enough


def test_cells_merged_down_rows_are_refused_once_not_as_empty_cells():
    data = merged(workbook(UnitRecordFactory(), UnitRecordFactory(), UnitRecordFactory()), "单位", "H2:H4")
    parsed = parse(data)
    assert len(parsed.issues) == 1 and "单元格 H2:H4 是合并单元格" in parsed.issues[0].message, messages(parsed)
    assert "必填，不能为空" not in messages(parsed)


def test_a_merged_header_is_refused():
    parsed = parse(merged(workbook(UnitRecordFactory()), "领导职数", "A1:B1"))
    assert any("表头 A1:B1 是合并单元格" in m for m in messages(parsed)), messages(parsed)


@pytest.mark.django_db
def test_merged_cells_through_the_command_and_its_errors_file(tmp_path):
    """Before: `--errors-to` crashed on a MergedCell (AttributeError)."""
    path, marked = tmp_path / "merged.xlsx", tmp_path / "marked.xlsx"
    path.write_bytes(merged(workbook(UnitRecordFactory(), UnitRecordFactory(), UnitRecordFactory()), "单位", "B2:B4"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处错误"):
        call_command("import_units", str(path), "--errors-to", str(marked), stderr=err)
    assert "B2:B4 是合并单元格" in err.getvalue()
    assert "合并单元格" in openpyxl.load_workbook(marked)["单位"]["B2"].comment.text
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_merged_cells_through_the_web_page(client, evaluator, django_capture_on_commit_callbacks):
    """Before: a 500. Now the import (a background job) fails and its page names the range."""
    client.force_login(evaluator)
    data = merged(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "D2:D3")
    upload = io.BytesIO(data)
    upload.name = "merged.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import"), {"file": upload})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "D2:D3 是合并单元格" in page.content.decode()
    assert not Unit.objects.exists()


def test_the_marked_file_notes_a_merged_range_on_its_top_left_cell():
    data = merged(workbook(UnitRecordFactory(), UnitRecordFactory(), UnitRecordFactory()), "单位", "C2:C4")
    issues = parse(data).issues
    from bianzhi.importers import ImportIssue

    issues = [*issues, ImportIssue("单位", 3, 3, "简称", "落在合并区域内的单元格")]
    sheet = openpyxl.load_workbook(io.BytesIO(mark_issues(data, issues)))["单位"]
    assert "落在合并区域内" in sheet["C2"].comment.text or "合并单元格" in sheet["C2"].comment.text


def test_a_big_file_is_marked_in_a_streamed_copy(monkeypatch):
    from bianzhi import exporters

    monkeypatch.setattr(exporters, "STREAM_MARKING_ROWS", 2)
    data = edited(workbook(UnitRecordFactory(), UnitRecordFactory(), UnitRecordFactory()), "单位", "R3", -2)
    sheet = openpyxl.load_workbook(io.BytesIO(mark_issues(data, parse(data).issues)))["单位"]
    assert sheet["R3"].fill.fgColor.rgb.endswith("FF9999") and "不能是负数" in sheet["R3"].comment.text
    assert sheet["R3"].value == -2 and sheet["B4"].value and sheet["R2"].comment is None  # everything else kept


# ---------------------------------------------------------------------------------------------------------
# One mistake, one error; and a bounded list
# ---------------------------------------------------------------------------------------------------------
def many_children(n_units: int, per_unit: int) -> bytes:
    records = [UnitRecordFactory(code=f"U{k:03d}", functions=tuple(f"职责{j}" for j in range(per_unit)),
                                 posts=(("division_full", 1, 1),)) for k in range(n_units)]
    return workbook(*records)


def test_a_wrong_header_on_the_unit_sheet_does_not_flag_every_row_of_the_other_sheets():
    """Before: one wrong header → 1 + every child row "不在“单位”表中" (305 errors in the report)."""
    parsed = parse(edited(many_children(10, 5), "单位", "A1", "代码"))
    assert {i.sheet for i in parsed.issues} == {"单位"}, messages(parsed)[:5]
    assert len(parsed.issues) == 2  # the missing header and the unknown one


def test_a_bad_unit_row_does_not_flag_its_rows_on_the_other_sheets():
    parsed = parse(edited(many_children(3, 5), "单位", "D3", "123"))  # U001's credit code
    assert [(i.sheet, i.row) for i in parsed.issues] == [("单位", 3)], messages(parsed)[:5]


def test_a_child_row_of_a_unit_missing_from_the_file_is_still_an_error():
    data = edited(many_children(2, 1), "主要职责", "A2", "NOPE")
    assert [(i.sheet, i.row, i.header) for i in parse(data).issues] == [("主要职责", 2, "单位代码")]


def test_the_list_of_errors_is_capped_and_the_total_counted():
    records = [UnitRecordFactory(code=f"E{k:05d}") for k in range(1200)]
    wb = openpyxl.load_workbook(io.BytesIO(workbook(*records)))
    for row in range(2, 1202):
        wb["单位"][f"D{row}"] = "坏代码"  # 1,200 bad credit codes
    out = io.BytesIO()
    wb.save(out)
    parsed = parse(out.getvalue())
    assert len(parsed.issues) == MAX_LISTED_ISSUES == 1000
    assert parsed.issue_total == 1200


@pytest.mark.django_db
def test_the_service_says_the_total_and_lists_the_first_thousand():
    from bianzhi.services import RegistryImportError, registry_import

    records = [UnitRecordFactory(code=f"E{k:05d}") for k in range(1100)]
    wb = openpyxl.load_workbook(io.BytesIO(workbook(*records)))
    for row in range(2, 1102):
        wb["单位"][f"Q{row}"] = "x"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=out.getvalue(), actor=None)
    assert error.value.total == 1100 and len(error.value.issues) == 1000
    assert "发现 1100 处错误" in error.value.message and "仅列出前 1000 处" in error.value.message
