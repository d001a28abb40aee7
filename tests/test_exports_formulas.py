"""No export carries a live formula: every exporter, found by its registration and by scanning the code,
gets the same hostile strings, and the file read back (openpyxl / csv) has no cell a spreadsheet evaluates.

The registry (bianzhi.spreadsheets.EXPORTERS) is filled by importing every module of the project; the scan
makes sure nobody writes a spreadsheet past it: no module but bianzhi/spreadsheets.py creates a CSV writer or
a workbook, and every module that writes one registers an exporter, which needs a feeder below.
"""

import ast
import csv
import dataclasses
import importlib
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import TYPE_FORMULA

from bianzhi import spreadsheets
from bianzhi.spreadsheets import EXPORTERS, is_formula_text

ROOT = Path(__file__).resolve().parent.parent
APPS = ("bianzhi", "evaluations", "surveys", "scoring", "reports")
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def project_files() -> list[Path]:
    return sorted(p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def import_everything() -> None:
    for path in project_files():
        importlib.import_module(module_name(path))


def calls(tree: ast.AST) -> set[str]:
    """Dotted names of everything called in a module ("csv.writer", "Workbook", "spreadsheets.append")."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func, parts = node.func, []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                names.add(".".join([func.id, *reversed(parts)]))
    return names


FORBIDDEN = {"csv.writer", "csv.DictWriter", "Workbook", "openpyxl.Workbook", "openpyxl.workbook.Workbook"}
WRITERS = {"spreadsheets.csv_writer", "spreadsheets.workbook"}


def test_no_module_writes_a_spreadsheet_past_the_safe_helper():
    offenders, writers = [], set()
    for path in project_files():
        if path == ROOT / "bianzhi" / "spreadsheets.py":
            continue
        found = calls(ast.parse(path.read_text()))
        offenders += [f"{path.relative_to(ROOT)}: {name}" for name in found & FORBIDDEN]
        if found & WRITERS:
            writers.add(module_name(path))
    assert not offenders, f"写表格请用 bianzhi.spreadsheets（csv_writer / workbook + append / neutralise）：{offenders}"
    import_everything()
    registered = {name.rsplit(".", 1)[0] for name in EXPORTERS}
    assert writers, "the scan finds the modules that write spreadsheets"
    assert writers <= registered, f"these modules write spreadsheets without an @exporter: {writers - registered}"


# ---------------------------------------------------------------------------------------------------------
# Feeders: one per exporter; each puts every hostile string into what users type, returns the files written
# ---------------------------------------------------------------------------------------------------------
def feed_registry_workbook(hostile):
    from bianzhi.exporters import EXAMPLE, registry_workbook

    record = dataclasses.replace(
        EXAMPLE, name=hostile[0], short_name=hostile[1], approval_number=hostile[2],
        functions=tuple(hostile[3:]), bodies=tuple((h, h) for h in hostile),
    )
    return [("xlsx", registry_workbook([record]))]


def feed_mark_issues(hostile):
    from bianzhi.exporters import mark_issues
    from bianzhi.importers import ImportIssue

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append(["单位代码", "单位名称"])
    for n, h in enumerate(hostile):
        ws.append([f"U{n}", h])
    ws["C2"] = "=SUM(1,1)"  # a real formula in the uploaded file
    data = io.BytesIO()
    wb.save(data)
    issues = [ImportIssue(sheet="单位", row=2, column=2, header="单位名称", message=hostile[0])]
    from bianzhi import exporters

    small = mark_issues(data.getvalue(), issues)
    limit, exporters.STREAM_MARKING_ROWS = exporters.STREAM_MARKING_ROWS, 0  # and the streamed copy of a big file
    try:
        streamed = mark_issues(data.getvalue(), issues)
    finally:
        exporters.STREAM_MARKING_ROWS = limit
    return [("xlsx", small), ("xlsx", streamed)]


def feed_events_csv(hostile):
    from evaluations.exporters import events_csv
    from evaluations.models import CampaignEvent
    from evaluations.services import event_record

    from .factories import CampaignTargetFactory, UserFactory

    target = CampaignTargetFactory(unit__name=hostile[0])
    for h in hostile:
        event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.VISIT_SAVED,
                     actor=UserFactory(username=h), data={"x": h})
    out = io.StringIO()
    events_csv(CampaignEvent.objects.filter(campaign=target.campaign), out)
    return [("csv", out.getvalue().encode())]


def feed_account_rows(hostile):
    from bianzhi.accounts.exporters import rows_csv, rows_xlsx

    rows = [[h, -3, None] for h in hostile]
    return [("csv", rows_csv(["文本", "数", "空"], rows)), ("xlsx", rows_xlsx(["文本", "数", "空"], rows, title="审计"))]


def feed_accounts_template(hostile):
    from bianzhi.accounts.importers import template_workbook

    return [("xlsx", template_workbook([[h, h, "部门填报员", h] for h in hostile]))]


def feed_table_workbook(hostile):
    from bianzhi.pool.xlsx import table_workbook

    return [("xlsx", table_workbook([("表", ["文本", "数"], [[h, -3] for h in hostile])]))]


def feed_results_xlsx(hostile):
    from types import SimpleNamespace

    from scoring.exporters import results_xlsx

    unit = SimpleNamespace(name=hostile[0], get_kind_display=lambda: hostile[1], get_level_display=lambda: hostile[2])
    rows = {f"X{n}": {"name": h, "points": -3, "full": 10, "weight": 0.1, "source": h, "evidence": h, "why": h}
            for n, h in enumerate(hostile)}
    result = SimpleNamespace(
        target=SimpleNamespace(unit=unit), provisional=True, version=1, total=None, execution=None, benefit=None,
        grade_label=hostile[0], rank_overall=1, rank_kind=1, rank_level=1, coverage=hostile[1],
        missing=[{"name": h} for h in hostile], indicators=rows,
    )
    return [("xlsx", results_xlsx(campaign=None, results=[result]))]


def feed_csv_bytes(hostile):
    from surveys.exporters import csv_bytes

    return [("csv", b"".join(csv_bytes([["文本", "数"], *[[h, -3] for h in hostile]])))]


def feed_export_build(hostile):
    from surveys.models import Export
    from surveys.services import export_build, satisfaction_form_issue, survey_links_issue, survey_response_submit

    from .evaluations.conftest import make_world

    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    survey_links_issue(form=form, actor=world.evaluator, windows=(hostile[0],))
    base = {q.code: "satisfied" for q in form.questions.filter(counts_for_satisfaction=True)}
    for h, link in zip(hostile, [form.links.get(target=world.target, window=hostile[0]), *[form.links.get(target=world.target, window="")] * 5]):
        survey_response_submit(link=link, data=base | {"comment": h})
    files = []
    for fmt in ("xlsx", "csv"):
        export = export_build(export_id=Export.objects.create(form=form, format=fmt).pk)
        files.append((fmt, export.file.read()))
    return files


def feed_tree_xlsx(hostile):
    from scoring.exporters import tree_xlsx
    from scoring.models import TreeIndicator

    from .factories import UserFactory, campaign_tree_factory

    tree = campaign_tree_factory(actor=UserFactory())
    for indicator, h in zip(TreeIndicator.objects.filter(dimension__tree=tree).order_by("pk"), hostile):
        TreeIndicator.objects.filter(pk=indicator.pk).update(name=h, guideline=h, source=h)
    tree.dimensions.filter(pk=tree.dimensions.first().pk).update(name=hostile[-1])
    return [("xlsx", tree_xlsx(tree=tree, freeze=None))]


def feed_indicator_workbook(hostile):
    from decimal import Decimal

    from evaluations.indicators import Scale
    from evaluations.sheet_workbook import EVALUATION_SHEET, SELF_ASSESSMENT, WorkbookRow, indicator_workbook

    rows = [WorkbookRow(code=f"D1_{n:02d}", dimension=h, name=h, guideline=h, scale=Scale(Decimal(0), Decimal(10), 1, "分"),
                        value=Decimal("-3") if n == 0 else None, note=h) for n, h in enumerate(hostile)]
    return [("xlsx", indicator_workbook(layout=layout, heading=hostile[0], rows=rows))
            for layout in (SELF_ASSESSMENT, EVALUATION_SHEET)]


def _hostile_form(hostile):
    """A questionnaire built in the editor with hostile wording everywhere, opened, with answers."""
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Form
    from surveys.services import form_create, survey_links_issue, survey_response_submit
    from surveys.services.editor import form_definition_save

    from .evaluations.conftest import make_world

    world = make_world()
    form = form_create(campaign=world.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=world.evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    options = [{"label": f"{h} {n}", "points": 0.5, "other": n == 0} for n, h in enumerate(hostile)]
    form_definition_save(form=form, actor=world.evaluator, definition={"title": hostile[0], "intro": hostile[1], "questions": [
        {"type": "single_choice", "text": hostile[0], "options": options, "required": False},
        {"type": "matrix", "text": hostile[1], "options": options[1:], "rows": [{"label": f"{h} {n}"} for n, h in enumerate(hostile)],
         "required": False},
        {"type": "multiple_choice", "text": hostile[2], "options": options, "required": False},
        {"type": "long_text", "text": hostile[3], "required": False,
         "show_if": [{"question": "q1", "values": ["o2"]}]},
    ]})
    Form.objects.filter(pk=form.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    form = Form.objects.get(pk=form.pk)
    survey_links_issue(form=form, actor=world.evaluator)
    link = form.links.get(target=world.target, window="")
    for h in hostile:
        survey_response_submit(link=link, data={"q1": "o2", "q2__r1": "o2", "q3": ["o1", "o3"], "q3__other": h, "q4": h})
    return form


def feed_definition_xlsx(hostile):
    from surveys.importers import definition_xlsx
    from surveys.selectors import form_definition
    from surveys.services.editor import tag_names

    form = _hostile_form(hostile)
    return [("xlsx", definition_xlsx(form_definition(form=form), tag_names=tag_names(form)))]


def feed_analysis_xlsx(hostile):
    from surveys.analysis import Filters, form_analysis
    from surveys.analysis_views import analysis_xlsx

    form = _hostile_form(hostile)
    return [("xlsx", analysis_xlsx(form_analysis(form=form, filters=Filters(by="q1"))))]

def feed_rectification_xlsx(hostile):
    from datetime import date
    from types import SimpleNamespace

    from reports.followup.exporters import rectification_xlsx

    def item(h):
        return SimpleNamespace(target=SimpleNamespace(unit=SimpleNamespace(name=h)), get_source_display=lambda: h,
                               title=h, responsible=h, measures=h, deadline=date(2026, 1, 1),
                               get_status_display=lambda: h, closed_on=None, is_overdue=lambda today: True,
                               reports=SimpleNamespace(all=lambda: [SimpleNamespace(text=h)]))

    rows = [{"target": SimpleNamespace(unit=SimpleNamespace(name=h)), "rect": {"total": 2, "closed": 1, "overdue": 1}}
            for h in hostile]
    return [("xlsx", rectification_xlsx(campaign_name=hostile[0], rows=rows, items=[item(h) for h in hostile],
                                        today=date(2026, 6, 1)))]


FEEDERS = {
    "surveys.importers.definition_xlsx": feed_definition_xlsx,
    "surveys.analysis_views.analysis_xlsx": feed_analysis_xlsx,
    "bianzhi.exporters.registry_workbook": feed_registry_workbook,
    "bianzhi.exporters.mark_issues": feed_mark_issues,
    "evaluations.exporters.events_csv": feed_events_csv,
    "bianzhi.accounts.exporters.rows_csv": feed_account_rows,
    "bianzhi.accounts.exporters.rows_xlsx": feed_account_rows,
    "surveys.exporters.csv_bytes": feed_csv_bytes,
    "bianzhi.pool.xlsx.table_workbook": feed_table_workbook,
    "bianzhi.accounts.importers.template_workbook": feed_accounts_template,
    "scoring.exporters.results_xlsx": feed_results_xlsx,
    "surveys.services.exports.export_build": feed_export_build,
    "scoring.exporters.tree_xlsx": feed_tree_xlsx,
    "evaluations.sheet_workbook.indicator_workbook": feed_indicator_workbook,

    "reports.followup.exporters.rectification_xlsx": feed_rectification_xlsx,
}


def test_every_registered_exporter_has_a_feeder():
    import_everything()
    assert set(EXPORTERS) == set(FEEDERS), "a new exporter needs a feeder here (and the same hostile strings)"


def cells(fmt: str, data: bytes) -> list[tuple[str, object, str]]:
    """(where, value, data type) of every cell of the file."""
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        return [(f"row {r} col {c}", v, "s") for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1)
                for c, v in enumerate(row, 1)]
    wb = openpyxl.load_workbook(io.BytesIO(data))  # not data_only: a formula shows as data type "f"
    return [(f"{ws.title}!{cell.coordinate}", cell.value, cell.data_type)
            for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FEEDERS))
def test_an_exporter_writes_no_cell_a_spreadsheet_would_evaluate(name):
    import_everything()
    files = FEEDERS[name](HOSTILE)
    for fmt, data in files:
        found = cells(fmt, data)
        live = [(where, value) for where, value, kind in found if kind == TYPE_FORMULA or is_formula_text(value)]
        assert not live, f"{name} ({fmt}) writes cells a spreadsheet evaluates: {live[:5]}"
        texts = [v for _w, v, _k in found if isinstance(v, str)]
        for h in HOSTILE:  # the text arrived (forms trim it; XML reads a CR back as LF), made inert
            h = (h.replace("\r", "\n") if fmt == "xlsx" else h).strip()
            assert any(h in v for v in texts), (name, fmt, h)


def test_numbers_stay_numbers():
    wb = spreadsheets.workbook()
    spreadsheets.append(wb.active, [-3, 2.5, "-3.5", "+7", "=1+1"])
    out = io.BytesIO()
    spreadsheets.neutralise(wb).save(out)
    row = [c.value for c in openpyxl.load_workbook(out).active[1]]
    assert row == [-3, 2.5, "-3.5", "+7", "'=1+1"]
    assert spreadsheets.safe_row(["-", "@", " =1", "\t", "普通文本", None]) == ["'-", "'@", "' =1", "'\t", "普通文本", None]
