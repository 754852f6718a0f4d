"""Reading the files: encodings, CSV rows, JSON pages, folders, zips; each problem located."""
from __future__ import annotations

import codecs
import zipfile

from planner.importer.readers import Problems, collect, decode, read_csv, read_json


def test_decoding_follows_the_bom_then_utf8_then_cp1252():
    text = "Licenses\r\nMicrosoft 365 Empresa Estándar\r\n"
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == text
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("cp1252")) == text


def test_csv_headers_compare_loosely_and_delimiters_are_sniffed():
    problems = Problems()
    table = read_csv("r.csv", "User Principal Name;Storage Used (Byte)\r\na@x;5\r\n\r\n", problems)
    assert table.keys == {"userprincipalname", "storageusedbyte"}
    assert table.rows == [(2, ["a@x", "5"])]
    assert table.column("storageusedbyte") == "Storage Used (Byte)"
    assert not problems.issues


def test_a_row_with_the_wrong_number_of_values_is_an_error_naming_the_row():
    problems = Problems()
    table = read_csv("r.csv", "a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,\n", problems)
    assert [r for r, _ in table.rows] == [2, 5]   # a trailing empty value is tolerated
    assert [str(i) for i in problems.issues] == [
        "r.csv, row 3: row has 2 values, the header has 3 (a broken or truncated line?)",
        "r.csv, row 4: row has 4 values, the header has 3 (a broken or truncated line?)"]


def test_truncated_json_is_one_located_line():
    problems = Problems()
    assert read_json("users-2.json", '{"value": [{"userPrincipalName": "a@x"},', problems) is None
    issue, = problems.issues
    assert issue.file == "users-2.json" and issue.row == 1 and issue.column
    assert "truncated" in issue.message


def test_problems_are_capped_per_file_with_a_count_of_the_rest():
    problems = Problems()
    for n in range(25):
        problems.add("bad", "f.csv", n + 2)
    lines = [str(i) for i in problems.final()]
    assert len(lines) == 21 and lines[-1] == "f.csv: 5 more errors of this kind not shown"


def test_folders_are_searched_recursively_without_hidden_lock_or_skipped_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.csv").write_text("x\n1\n")
    (tmp_path / ".hidden.csv").write_text("x\n")
    (tmp_path / "~$lock.csv").write_text("x\n")
    (tmp_path / "ORG.xlsx").write_text("not read")
    with zipfile.ZipFile(tmp_path / "intune.zip", "w") as zf:
        zf.writestr("DevicesWithInventory.csv", "Device name,OS\nd1,Windows\n")
        zf.writestr("readme.md", "ignored")
    problems = Problems()
    inputs = collect([tmp_path, tmp_path / "a" / "one.csv"], (tmp_path / "ORG.xlsx",), problems)
    names = [i.name for i in inputs]
    assert names == [f"{tmp_path.name}/a/one.csv", f"{tmp_path.name}/intune.zip/DevicesWithInventory.csv"]
    assert not problems.issues


def test_an_excel_workbook_and_a_missing_path_are_errors(tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "report.xlsx")
    problems = Problems()
    assert collect([tmp_path / "report.xlsx", tmp_path / "nope"], (), problems) == []
    assert [i.message for i in problems.issues] == ["an Excel workbook, not an export",
                                                     "file or folder not found"]
