"""Which files the store accepts: decided from the content, the name agreeing with it."""

from __future__ import annotations

import io
import zipfile

import pytest

from alliance.files.kinds import RefusedFile, content_type, safe_filename

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("invoice.pdf", PDF, "application/pdf"),
        ("booth.PNG", PNG, "image/png"),
        ("attendees.csv", "name,company\nZoë,Müller AG\n".encode(), "text/csv"),
        ("notes.md", b"# Workshop\n", "text/markdown"),
        ("brief.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_accepted(name: str, head: bytes, expected: str) -> None:
    assert content_type(name, head) == expected


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("invoice.png", PDF, "the file is application/pdf but its name ends in .png: name it .pdf"),
        ("setup.pdf", EXE, "application/x-msdownload files are not accepted"),
        ("page.html", b"<html><body>hi</body></html>", "files ending in .html are not accepted"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "files ending in .svg are not accepted"),
        ("data.csv", b"a,b\n\x00\x01", "a .csv file must be UTF-8 text"),
        ("data.csv", "é".encode("latin-1") + b"tude,1\n", "a .csv file must be UTF-8 text"),
        ("notes.txt", b"<script>alert(1)</script>", "markup with scripts is not accepted"),
        ("README", b"plain words", "files ending in .(nothing) are not accepted"),
    ],
)
def test_refused(name: str, head: bytes, reason: str) -> None:
    with pytest.raises(RefusedFile, match=reason.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")):
        content_type(name, head)


def test_a_multibyte_character_cut_by_the_sniffed_head_is_still_text() -> None:
    head = ("ü" * 10).encode()[:-1]
    assert content_type("names.txt", head) == "text/plain"


def test_names_lose_paths_and_unsafe_characters() -> None:
    assert safe_filename("C:\\Users\\me\\Q3 invoice.pdf") == "Q3 invoice.pdf"
    assert safe_filename('../../etc/"passwd".txt') == "passwd.txt"
    assert safe_filename("a" * 300 + ".pdf").endswith(".pdf") and len(safe_filename("a" * 300 + ".pdf")) == 200
    with pytest.raises(RefusedFile, match="needs a name"):
        safe_filename("../..")
