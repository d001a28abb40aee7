"""Uploads are refused past the limit while they stream in: nothing past the limit is kept in memory or on
disk, and the user reads a Chinese message (bianzhi.uploads.LimitedUploadHandler)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.uploads import RefusedUpload, UploadRejected
from evaluations.models import Campaign, Upload

from ..evaluations.conftest import PDF, advance_to, make_world

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class Spy(FileUploadHandler):
    """Stands where the memory and temporary-file handlers stand: counts what it is handed."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        Spy.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def limited(settings):
    settings.UPLOAD_MAX_BYTES = settings.UPLOAD_HARD_MAX_BYTES = settings.REGISTRY_IMPORT_MAX_BYTES = MB
    settings.FILE_UPLOAD_HANDLERS = [
        "bianzhi.uploads.LimitedUploadHandler", f"{__name__}.Spy",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    Spy.received = 0
    return settings


def test_a_file_over_the_limit_is_cut_off_while_it_arrives_and_refused_in_chinese(limited):
    world = make_world()
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = Client()
    liaison.force_login(world.liaison)
    big = SimpleUploadedFile("自评报告.pdf", PDF + b"0" * (6 * MB))
    page = liaison.post(reverse("evaluations:upload_create", args=[world.target.pk]),
                        {"purpose": "self_report", "file": big}, follow=True)
    assert "文件超过 1 MB 的上限" in page.content.decode()
    assert not Upload.objects.exists()
    # the handlers behind the limit got no more than the limit and one chunk: the rest was dropped as it came
    assert 0 < Spy.received <= MB + 64 * 1024


def test_a_file_within_the_limit_passes_whole(limited):
    world = make_world()
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = Client()
    liaison.force_login(world.liaison)
    data = PDF + b"0" * (MB // 2)
    page = liaison.post(reverse("evaluations:upload_create", args=[world.target.pk]),
                        {"purpose": "self_report", "file": SimpleUploadedFile("自评报告.pdf", data)}, follow=True)
    assert "已上传" in page.content.decode() and Spy.received == len(data)
    assert Upload.objects.get().size == len(data)


def test_the_api_refuses_it_the_same_way_in_json(limited):
    world = make_world()
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = Client()
    liaison.force_login(world.liaison)
    refused = liaison.post(f"/api/v1/packages/{world.target.pk}/uploads/",
                           {"purpose": "self_report", "file": SimpleUploadedFile("r.pdf", PDF + b"0" * (3 * MB))})
    assert refused.status_code == 400 and "文件超过 1 MB 的上限" in refused.json()["message"]
    assert not Upload.objects.exists() and Spy.received <= MB + 64 * 1024


def test_a_registry_workbook_over_the_limit_is_refused_before_it_is_read(limited, evaluator):
    office = Client()
    office.force_login(evaluator)
    page = office.post(reverse("registry:import"), {"file": SimpleUploadedFile("台账.xlsx", b"PK\x03\x04" + b"0" * (3 * MB))})
    assert "文件过大" in page.content.decode() and Spy.received <= MB + 64 * 1024


def test_a_refused_upload_cannot_be_read_by_mistake():
    refused = RefusedUpload("a.pdf", 5 * MB, "application/pdf", MB)
    for read in (refused.read, lambda: list(refused.chunks()), lambda: list(refused)):
        with pytest.raises(UploadRejected, match="文件超过 1 MB 的上限"):
            read()
    assert issubclass(UploadRejected, ApplicationError) and refused.size == 5 * MB


def test_the_request_size_settings_match_the_file_limits(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "bianzhi.uploads.LimitedUploadHandler"
    assert max(settings.UPLOAD_MAX_BYTES, settings.REGISTRY_IMPORT_MAX_BYTES) == settings.UPLOAD_HARD_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB and settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB
