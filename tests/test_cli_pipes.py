"""The ``timeline`` command in pipes: standard input, compressed files, standard output and
one-line errors, run as a real process."""

from __future__ import annotations

import bz2
import gzip
import json
import zipfile
from pathlib import Path

import pytest
from fixtures.process import run_bytes as run

CSV = "title,when,kind\nParade,2026-01-01,military.parade\nTalks,2026-02-01,politics.talks\n"


def titles(db: Path) -> list[str]:
    done = run("--db", str(db), "ls", "--json")
    assert done.returncode == 0, done.stderr
    return [row["title"] for row in json.loads(done.stdout)]


def test_import_reads_standard_input(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    done = run("--db", str(db), "import", "-", "--format", "csv", stdin=CSV.encode())
    assert done.returncode == 0, done.stderr
    assert b"created 2" in done.stdout
    assert titles(db) == ["Parade", "Talks"]


def test_standard_input_needs_a_format(tmp_path: Path) -> None:
    done = run("--db", str(tmp_path / "t.db"), "import", "-", stdin=CSV.encode())
    assert done.returncode == 2
    assert b"--format" in done.stderr


def test_utf16_on_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    done = run("--db", str(db), "import", "-", "-f", "csv", stdin=CSV.encode("utf-16"))
    assert done.returncode == 0, done.stderr
    assert titles(db) == ["Parade", "Talks"]


def _zip(path: Path, **members: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("ending", ["csv.gz", "csv.bz2", "csv.zip"])
def test_compressed_files_are_read_by_name_and_on_a_pipe(tmp_path: Path, ending: str) -> None:
    path = tmp_path / f"events.{ending}"
    if ending.endswith("gz"):
        path.write_bytes(gzip.compress(CSV.encode()))
    elif ending.endswith("bz2"):
        path.write_bytes(bz2.compress(CSV.encode()))
    else:
        _zip(path, **{"events.csv": CSV})
    db = tmp_path / "file.db"
    done = run("--db", str(db), "import", str(path))  # the format from the inner ending
    assert done.returncode == 0, done.stderr
    assert titles(db) == ["Parade", "Talks"]
    piped = tmp_path / "pipe.db"
    done = run("--db", str(piped), "import", "-", "-f", "csv", stdin=path.read_bytes())
    assert done.returncode == 0, done.stderr
    assert titles(piped) == ["Parade", "Talks"]


def test_zip_member_is_chosen(tmp_path: Path) -> None:
    summit = "title,when,kind\nSummit,2026-03,politics.summit\n"
    archive = _zip(tmp_path / "two.zip", **{"a.csv": CSV, "dir/b.csv": summit})
    db = tmp_path / "t.db"
    done = run("--db", str(db), "import", str(archive), "-f", "csv")
    assert done.returncode == 1
    assert b"two.zip" in done.stderr and b"a.csv, dir/b.csv" in done.stderr
    assert b"--member" in done.stderr and b"Traceback" not in done.stderr
    done = run("--db", str(db), "import", str(archive), "--member", "b.csv")
    assert done.returncode == 0, done.stderr
    assert titles(db) == ["Summit"]
    done = run("--db", str(db), "import", str(archive), "--member", "c.csv", "-f", "csv")
    assert done.returncode == 1 and b"no member 'c.csv'" in done.stderr


def test_a_truncated_archive_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode() * 50)[:60])
    done = run("--db", str(tmp_path / "t.db"), "import", str(path))
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot read 'cut.csv.gz': ")
    assert "None" not in lines[0] and "ended before" in lines[0]


def test_errors_name_the_file_line_and_cause_never_none(tmp_path: Path) -> None:
    bad = CSV + "Bad,2026-02-30,politics\n"
    done = run("--db", str(tmp_path / "t.db"), "import", "-", "-f", "csv", stdin=bad.encode())
    assert done.returncode == 1
    assert b"<stdin>:4" in done.stderr and b"2026-02-30" in done.stderr
    done = run("--db", str(tmp_path / "t.db"), "import", "/dev/stdin", "-f", "csv", stdin=b"")
    assert done.returncode == 0, done.stderr
    missing = run("--db", str(tmp_path / "t.db"), "import", str(tmp_path / "none.csv"))
    assert missing.returncode == 1
    assert b"'none.csv'" in missing.stderr and b"No such file" in missing.stderr
    assert b"None" not in missing.stderr


def test_export_to_standard_output_pipes(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run("--db", str(db), "import", "-", "-f", "csv", stdin=CSV.encode()).returncode == 0
    done = run("--db", str(db), "export", "-o", "-", "-f", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["title"] for row in rows if row["type"] == "event"] == ["Parade", "Talks"]
    copy = tmp_path / "copy.db"
    again = run("--db", str(copy), "import", "-", "-f", "jsonl", stdin=done.stdout)
    assert again.returncode == 0, again.stderr
    assert titles(copy) == ["Parade", "Talks"]


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    data = (CSV + "Bad \xe9vent,2026-03-01,politics\n").encode("latin-1")
    for name, content in (("latin.csv", data), ("latin.csv.gz", gzip.compress(data))):
        path = tmp_path / name
        path.write_bytes(content)
        done = run("--db", str(tmp_path / "t.db"), "import", str(path))
        assert done.returncode == 1
        error = done.stderr.decode().strip()
        assert error.startswith(f"Error: cannot read '{name}': line 4: not UTF-8 text"), error
    assert not (tmp_path / "t.db").exists()
