"""Importing into the registry: all or nothing, idempotent, versioned; the demo city round-trips."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from bianzhi.exporters import registry_workbook
from bianzhi.models import InternalBody, LeadershipPost, Quota, Unit, UnitFunction, UnitVersion
from bianzhi.selectors import unit_filter, unit_records, unit_staffing, unit_staffing_as_of
from bianzhi.services import RegistryImportError, registry_import

from ..factories import UnitFactory, UnitRecordFactory
from .xlsx import edited, workbook

pytestmark = pytest.mark.django_db


def cells(data: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_import_creates_units_with_their_tree_三定_figures_and_a_version(evaluator):
    parent = UnitRecordFactory(code="M004", name="临川市教育局", posts=(("division_full", 1, 1),),
                               functions=("管理全市教育", "其他任务"), bodies=(("办公室", "运转"),))
    school = UnitRecordFactory(code="M103", kind="public_institution", institution_class="public_welfare_1",
                               parent_code="M004", supervisor_code="M004", quotas=(("institutional_full", 160, 151),))
    summary = registry_import(data=workbook(school, parent), actor=evaluator)  # the child first: order does not matter
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    unit = Unit.objects.get(code="M103")
    assert unit.parent.code == "M004" and unit.supervisor.code == "M004"
    assert unit_staffing(unit=unit)[0].vacancy == 9
    bureau = Unit.objects.get(code="M004")
    assert list(bureau.functions.values_list("position", "text")) == [(1, "管理全市教育"), (2, "其他任务")]
    assert bureau.internal_bodies.get().name == "办公室" and bureau.leadership_posts.get().approved == 1
    version = bureau.versions.get()
    assert version.valid_from == date(2026, 6, 30) and version.actor == evaluator and version.source == "import"


def test_importing_the_same_file_again_changes_nothing():
    data = workbook(UnitRecordFactory(code="X1"), UnitRecordFactory(code="X2", parent_code="X1"))
    registry_import(data=data, actor=None)
    summary = registry_import(data=data, actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert UnitVersion.objects.count() == 2


def test_a_change_makes_a_new_dated_version_and_the_old_one_stays_readable():
    registry_import(data=workbook(UnitRecordFactory(code="V1", quotas=(("administrative", 20, 18),))), actor=None)
    later = UnitRecordFactory(code="V1", staff_as_of=date(2026, 12, 31), quotas=(("administrative", 20, 23),))
    summary = registry_import(data=workbook(later), actor=None)
    unit = Unit.objects.get(code="V1")
    assert summary.updated == 1 and unit.versions.count() == 2
    assert unit_staffing(unit=unit)[0].overstaffing == 3
    # a campaign that evaluated the unit in autumn 2026 still reads the June figures
    assert unit_staffing_as_of(unit=unit, day=date(2026, 10, 1))[0].actual == 18
    assert unit_staffing_as_of(unit=unit, day=date(2027, 1, 1))[0].actual == 23
    assert unit_staffing_as_of(unit=unit, day=date(2026, 1, 1)) is None


def test_reimport_replaces_the_三定_parts_by_unit_code():
    registry_import(data=workbook(UnitRecordFactory(code="R1", functions=("一", "二", "三"), posts=(("section_full", 2, 2),))),
                    actor=None)
    registry_import(data=workbook(UnitRecordFactory(code="R1", name="改名后的局", functions=("只剩一条",))), actor=None)
    unit = Unit.objects.get(code="R1")
    assert unit.name == "改名后的局" and list(unit.functions.values_list("text", flat=True)) == ["只剩一条"]
    assert not unit.leadership_posts.exists()


def test_a_parent_already_in_the_registry_is_found_and_an_unknown_one_is_an_error():
    registry_import(data=workbook(UnitRecordFactory(code="TOP")), actor=None)
    registry_import(data=workbook(UnitRecordFactory(code="LOW", parent_code="TOP")), actor=None)
    assert Unit.objects.get(code="LOW").parent.code == "TOP"
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=workbook(UnitRecordFactory(code="LOST", parent_code="GONE")), actor=None)
    assert [(i.row, i.header) for i in error.value.issues] == [(2, "上级单位代码")]


def test_a_cycle_through_units_already_in_the_registry_is_refused():
    registry_import(data=workbook(UnitRecordFactory(code="A"), UnitRecordFactory(code="B", parent_code="A")), actor=None)
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=workbook(UnitRecordFactory(code="A", parent_code="B")), actor=None)
    assert "A → B → A" in error.value.issues[0].message
    assert Unit.objects.get(code="A").parent is None


def test_one_bad_row_and_nothing_is_imported():
    good = [UnitRecordFactory() for _i in range(3)]
    data = edited(workbook(*good), "单位", "R4", -1)
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=data, actor=None)
    assert "未导入任何数据" in error.value.message
    assert not Unit.objects.exists() and not Quota.objects.exists() and not UnitVersion.objects.exists()


def test_a_credit_code_used_by_another_unit_is_refused():
    UnitFactory(code="OLD", credit_code="91350100M000100Y43")
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=workbook(UnitRecordFactory(code="NEW", credit_code="91350100M000100Y43")), actor=None)
    assert error.value.issues[0].header == "统一社会信用代码"


def test_the_upload_limit_is_20_mb_by_default_and_a_setting(settings):
    assert settings.REGISTRY_IMPORT_MAX_BYTES == 20 * 1024 * 1024
    data = workbook(UnitRecordFactory())
    settings.REGISTRY_IMPORT_MAX_BYTES = len(data) - 1
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=data, actor=None)
    assert "文件过大" in error.value.issues[0].message and not Unit.objects.exists()


def test_the_demo_city_round_trips_through_export_and_import_unchanged(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    before = unit_records(units=Unit.objects.all())
    versions = UnitVersion.objects.count()
    path = tmp_path / "demo.xlsx"
    call_command("export_units", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out)
    assert f"新增 0 个单位，更新 0 个，{len(before)} 个无变化" in out.getvalue()
    assert unit_records(units=Unit.objects.all()) == before and UnitVersion.objects.count() == versions
    again = tmp_path / "again.xlsx"
    call_command("export_units", str(again), stdout=io.StringIO())
    assert cells(again.read_bytes()) == cells(path.read_bytes())
    # the demo's 三定 data went through too
    assert InternalBody.objects.exists() and UnitFunction.objects.exists() and LeadershipPost.objects.exists()


def test_an_export_imports_into_an_empty_registry_as_the_same_records():
    records = [
        UnitRecordFactory(code="P", posts=(("division_full", 1, 1),), functions=("一",), bodies=(("办公室", ""),)),
        UnitRecordFactory(code="Q", kind="public_institution", institution_class="business", parent_code="P",
                          supervisor_code="P", status="abolished", abolished_on=date(2026, 1, 1)),
    ]
    registry_import(data=workbook(*records), actor=None)
    exported = registry_workbook(unit_records(units=Unit.objects.all()))
    Unit.objects.filter(code="Q").delete()
    Unit.objects.all().delete()
    registry_import(data=exported, actor=None)
    assert sorted(unit_records(units=Unit.objects.all()), key=lambda r: r.code) == records


def test_one_bad_cell_among_5000_rows_imports_nothing_and_is_reported():
    records = [UnitRecordFactory(code=f"B{n:05d}", parent_code="B00000" if n else "") for n in range(5000)]
    data = edited(workbook(*records), "单位", "R3777", "十二")
    with pytest.raises(RegistryImportError) as error:
        registry_import(data=data, actor=None)
    assert [(i.sheet, i.row, i.column, i.header) for i in error.value.issues] == [("单位", 3777, 18, "行政编制实有数")]
    assert not Unit.objects.exists()


def test_import_command_reports_every_error_and_writes_the_marked_file(tmp_path):
    path, marked = tmp_path / "bad.xlsx", tmp_path / "marked.xlsx"
    path.write_bytes(edited(edited(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "B2", None), "单位", "Q3", "x"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 2 处错误"):
        call_command("import_units", str(path), "--errors-to", str(marked), stderr=err)
    assert "单位 第2行「单位名称」：必填，不能为空" in err.getvalue()
    assert openpyxl.load_workbook(marked)["单位"]["Q3"].comment is not None
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_units", str(tmp_path / "missing.xlsx"))


def test_export_command_filters(tmp_path):
    registry_import(data=workbook(UnitRecordFactory(code="M1"), UnitRecordFactory(code="C1", level="county", region="东湖县")),
                    actor=None)
    path = tmp_path / "county.xlsx"
    call_command("export_units", str(path), "--level", "county", stdout=io.StringIO())
    assert [row[0] for row in cells(path.read_bytes())["单位"][1:]] == ["C1"]


def test_filters_find_overstaffed_units_and_units_with_vacancies():
    registry_import(data=workbook(
        UnitRecordFactory(code="OVER", quotas=(("administrative", 10, 12), ("service_worker", 5, 2))),
        UnitRecordFactory(code="FULL", quotas=(("administrative", 10, 10),)),
        UnitRecordFactory(code="GAP", name="空编局", quotas=(("administrative", 10, 7),)),
    ), actor=None)
    units = Unit.objects.all()
    assert set(unit_filter(units, overstaffed=True).values_list("code", flat=True)) == {"OVER"}
    assert set(unit_filter(units, has_vacancy=True).values_list("code", flat=True)) == {"OVER", "GAP"}
    assert list(unit_filter(units, q="空编").values_list("code", flat=True)) == ["GAP"]


def test_an_edit_outside_the_import_is_recorded_as_a_version_once(client):
    from bianzhi.services import unit_version_record

    from ..factories import UserFactory
    registry_import(data=workbook(UnitRecordFactory(code="ADM", quotas=(("administrative", 20, 18),))), actor=None)
    unit = Unit.objects.get(code="ADM")
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    Quota.objects.filter(unit=unit).update(actual=20)  # what the admin's inline form saves
    Unit.objects.filter(pk=unit.pk).update(staff_as_of=date(2026, 9, 30))
    version = unit_version_record(unit=unit, actor=admin, source=UnitVersion.Source.ADMIN)
    assert version.valid_from == date(2026, 9, 30) and version.data["quotas"] == [["administrative", 20, 20]]
    assert unit_version_record(unit=unit, actor=admin, source=UnitVersion.Source.ADMIN) is None  # nothing new
    assert unit.versions.count() == 2
    client.force_login(admin)
    page = client.get(f"/admin/bianzhi/unit/{unit.pk}/change/").content.decode()
    assert "台账版本" in page and "Excel导入" in page


def test_staffing_as_of_a_date_for_many_units_in_one_query(django_assert_num_queries):
    from bianzhi.selectors import staffing_as_of_by_unit
    registry_import(data=workbook(
        UnitRecordFactory(code="E1", staff_as_of=date(2025, 12, 31), quotas=(("administrative", 10, 6),)),
        UnitRecordFactory(code="E2", staff_as_of=date(2026, 6, 30),
                          quotas=(("administrative", 10, 10), ("institutional_full", 2, 2))),
    ), actor=None)
    registry_import(data=workbook(UnitRecordFactory(code="E1", staff_as_of=date(2026, 12, 31),
                                                    quotas=(("administrative", 10, 9),))), actor=None)
    ids = {u.code: u.pk for u in Unit.objects.all()}
    with django_assert_num_queries(1):
        pinned = staffing_as_of_by_unit(unit_ids=ids.values(), day=date(2026, 7, 1))
    assert pinned[ids["E1"]][0].actual == 6  # the December 2026 import came after the pinned date
    assert pinned[ids["E2"]][0].approved == 12 and pinned[ids["E2"]][1] is True  # an organ on institutional quotas
    assert ids["E2"] not in staffing_as_of_by_unit(unit_ids=ids.values(), day=date(2026, 1, 1))


def test_records_built_in_code_get_the_same_checks():
    from bianzhi.services import registry_apply
    with pytest.raises(RegistryImportError) as error:
        registry_apply(records=[UnitRecordFactory(code="X", parent_code="NOWHERE", row=0)], actor=None, source="seed")
    assert "NOWHERE" in error.value.issues[0].message and not Unit.objects.exists()
