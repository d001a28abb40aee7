"""bianzhi.uploads: the type is read from the content, not the name; size, names and hashes."""

import hashlib

import pytest

from bianzhi import uploads

from .conftest import DOCX, JPG, PDF, PNG, XLSX, office_zip


@pytest.mark.parametrize(("data", "extension"), [(PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (DOCX, "docx"), (XLSX, "xlsx")])
def test_each_accepted_type_is_recognised_by_its_content(data, extension):
    kind, name, sha = uploads.check(data, "whatever.bin", max_bytes=1_000_000)
    assert kind.extension == extension
    assert name == f"whatever.{extension}"  # the extension follows the real type
    assert sha == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data", [b"MZ\x90\x00 an exe", b"<html><script>alert(1)</script>", office_zip("other.xml"),
                                  b"PK\x03\x04 not really a zip"])
def test_other_content_is_refused_whatever_its_name(data):
    with pytest.raises(uploads.UploadRejected, match="不支持的文件类型"):
        uploads.check(data, "报告.pdf", max_bytes=1_000_000)


def test_too_large_and_empty_files_are_refused():
    with pytest.raises(uploads.UploadRejected, match="超过 1 MB"):
        uploads.check(PDF + b"0" * (1024 * 1024), "a.pdf", max_bytes=1024 * 1024)
    with pytest.raises(uploads.UploadRejected, match="文件为空"):
        uploads.check(b"", "a.pdf", max_bytes=10)


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\x\\自评报告（终稿）.pdf", "自评报告(终稿).pdf"),  # NFKC: full-width brackets become ASCII
    ("a b;rm -rf.pdf", "a_b_rm_-rf.pdf"),
    ("...", "file.pdf"),
])
def test_names_are_cleaned(name, expected):
    assert uploads.clean_filename(name, "pdf") == expected
