"""The benchmark's own logic: measuring a child, judging figures against the targets, comparing findings,
choosing the file to edit, and the docs' generated section.  Nothing here is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import identical  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import trees  # noqa: E402


def row(wall: float, peak: float = 50.0, cpu: float = 1.0) -> dict:
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "runs": 1}


def test_measure_reports_cpu_time_and_memory_of_the_child():
    # The child allocates ~60 MB and spins: both must show in what wait4 gives back.
    spin = "b = bytearray(60 * 1024 * 1024)\nimport time\nt = time.process_time()\nwhile time.process_time() - t < 0.2: pass"
    sample = measure.measure([sys.executable, "-c", spin])
    assert sample.cpu_s >= 0.2
    assert sample.peak_mb >= 60
    assert sample.wall_s >= sample.cpu_s * 0.5


def test_a_failing_command_is_one_line_with_its_last_error():
    with pytest.raises(measure.ToolFailed, match=r"exit 3: second"):
        measure.measure([sys.executable, "-c", "import sys; print('first\\nsecond', file=sys.stderr); sys.exit(3)"])
    with pytest.raises(measure.ToolFailed, match="no-such-tool"):
        measure.measure(["/nonexistent/no-such-tool"])
    assert measure.measure([sys.executable, "-c", "raise SystemExit(1)"], ok_codes=(0, 1)).wall_s > 0


def test_summary_takes_medians_and_the_largest_peak():
    samples = [measure.Sample(3.0, 2.0, 10.0), measure.Sample(1.0, 5.0, 30.0), measure.Sample(2.0, 1.0, 20.0)]
    assert measure.summarise(samples) == {"wall_s": 2.0, "cpu_s": 2.0, "peak_mb": 30.0, "runs": 3}


def test_targets_cold_against_semgrep_and_fixed_limits():
    rows = {"leaklint cold": row(4.0), "semgrep": row(3.0), "leaklint warm": row(0.4),
            "leaklint one changed file": row(0.6), "leaklint one unseen file": row(2.0, peak=600.0)}
    assert measure.verdict("leaklint cold", rows) == "MISS time"
    assert measure.verdict("leaklint warm", rows) == "ok"
    assert measure.verdict("leaklint one changed file", rows) == "MISS time"
    assert measure.verdict("leaklint one unseen file", rows) == "MISS memory"
    assert measure.verdict("semgrep", rows) == ""
    rows["semgrep"] = row(5.0)
    assert measure.verdict("leaklint cold", rows) == "ok"
    del rows["semgrep"]  # Semgrep failed: the cold run has no time target left, only memory
    assert measure.verdict("leaklint cold", rows) == "ok"


def test_ratios_skip_rows_that_failed():
    rows = {"leaklint cold": row(4.0, cpu=6.0), "semgrep": row(8.0, cpu=3.0), "leaklint warm": row(0.4),
            "read floor": {"error": "exit 1: boom"}}
    assert measure.ratios(rows) == {"cold / semgrep": 0.5, "cold / semgrep, CPU": 2.0, "warm / cold": 0.1}
    lines = measure.table(rows)
    assert any("read floor" in line and "failed: exit 1: boom" in line for line in lines)
    assert any(line.strip().startswith("leaklint cold") and "<= 8.00 s, 500 MB" in line for line in lines)


def finding(path: str, line: int, code: str = "LL001") -> dict:
    return {"code": code, "message": "m", "filename": path, "location": {"row": line, "column": 1},
            "end_location": {"row": line, "column": 9}, "fix_suggestion": None, "related": []}


def test_differences_compare_findings_as_sorted_multisets():
    a, b, c = finding("a.py", 1), finding("b.py", 2), finding("c.py", 3, "LL002")
    assert identical.differences([a, b], [b, a]) == ([], [])
    assert identical.differences([a, a, b], [b, a, c]) == ([a], [c])
    lines = identical.report("tree", {"identical": False, "only normal": [a], "only exhaustive": [c],
                                      "normal": row(1.0), "exhaustive": row(2.0)})
    assert lines[0].startswith("tree: DIFFERENT")
    assert "    a.py:1:1 LL001 m" in lines and "    c.py:3:1 LL002 m" in lines


def test_the_edited_file_is_the_checked_file_with_most_findings():
    findings = [finding("./pkg/b.py", 1), finding("pkg/a.py", 1), finding("pkg/b.py", 2), finding("other.py", 1),
                finding("other.py", 2), finding("other.py", 3)]
    assert trees.most_reported(findings, ["pkg/a.py", "pkg/b.py"]) == "pkg/b.py"  # other.py is not checked
    assert trees.most_reported([finding("pkg/b.py", 1), finding("pkg/a.py", 1)], ["pkg/a.py", "pkg/b.py"]) == "pkg/a.py"
    assert trees.most_reported([], ["pkg/a.py"]) is None


def test_a_package_folder_is_copied_into_a_project_root_of_its_own(tmp_path):
    source = tmp_path / "src" / "shop"
    (source / "__pycache__").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "__pycache__" / "x.py").write_text("")
    tree = trees.from_folder("shop", source, tmp_path / "work")
    assert tree.targets == ["shop"] and (tree.root / "pyproject.toml").exists()
    assert not (tree.root / "shop" / "__pycache__").exists()
    whole = trees.from_folder("app", tmp_path / "src", tmp_path / "work")  # a checkout: no __init__.py
    assert whole.targets == ["."] and (whole.root / "shop" / "__init__.py").exists()
    assert (whole.root / "pyproject.toml").exists()  # its own root, not a folder above it
    (tmp_path / "src" / "setup.py").write_text("")
    marked = trees.from_folder("app", tmp_path / "src", tmp_path / "work")
    assert not (marked.root / "pyproject.toml").exists()
    with pytest.raises(ValueError, match="not a folder"):
        trees.from_folder("x", tmp_path / "missing", tmp_path / "work")


def test_docs_section_is_replaced_between_its_markers(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"intro\n{report.DOCS_BEGIN}\nold table\n{report.DOCS_END}\noutro\n")
    report.update_docs(doc, "new table\n")
    assert doc.read_text() == f"intro\n{report.DOCS_BEGIN}\nnew table\n{report.DOCS_END}\noutro\n"
    doc.write_text("no markers\n")
    with pytest.raises(ValueError, match="no benchmark markers"):
        report.update_docs(doc, "x")


def test_a_partial_run_keeps_the_other_parts_of_the_last_results_marked_as_older(tmp_path):
    import run

    earlier = {"machine": {"date": "then", "commit": "abc1234"},
               "trees": [{"name": "pretix", "rows": {}}, {"name": "synthetic", "rows": {}}],
               "scale": {"jobs": 2, "sizes": []}}
    (tmp_path / "results.json").write_text(json.dumps(earlier))
    now = {"machine": {"date": "now", "commit": "def5678"}, "trees": [{"name": "pretix", "rows": {"new": {}}}]}
    run.carry_over(now, tmp_path / "results.json")
    assert [t["name"] for t in now["trees"]] == ["pretix", "synthetic"]
    assert now["trees"][0] == {"name": "pretix", "rows": {"new": {}}}   # measured now: not replaced
    assert now["trees"][1]["measured"] == earlier["machine"]
    assert now["scale"]["measured"] == earlier["machine"]
    assert "measured then at `abc1234`" in report.scale_table(now["scale"])[0]
    run.carry_over(now, tmp_path / "missing.json")   # no earlier results: nothing to keep


def test_clearing_a_tree_removes_every_projects_cache(tmp_path):
    """A tree of several projects (polar: `server/`, `dev/cli/`) caches at each project's root; the cold,
    first and unseen-file runs are only that if all of them are gone."""
    import run

    for folder in ("", "server", "dev/cli"):
        cache = tmp_path / folder / ".leaklint_cache"
        (cache / "sub").mkdir(parents=True)
        (cache / "sub" / "data").write_text("x")
    (tmp_path / "server" / "app.py").write_text("x = 1\n")
    run.clear_caches(tmp_path)
    assert not list(tmp_path.rglob(".leaklint_cache"))
    assert (tmp_path / "server" / "app.py").exists()


def test_parse_share_splits_the_parsed_files_by_whether_they_were_reported(tmp_path):
    import parse_share

    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "track.py").write_text(
        "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\n\ndef signed_up(user):\n"
        "    mp.track(user.id, 'signup', {'email': user.email})\n")
    (tmp_path / "shop" / "names.py").write_text("def full_name(user):\n    return user.first_name\n")
    (tmp_path / "shop" / "views.py").write_text(
        "from shop.track import signed_up\nfrom shop.names import full_name\n\n\n"
        "def view(user):\n    signed_up(user)\n    return full_name(user)\n")
    (tmp_path / "shop" / "unrelated.py").write_text("X = 1\n")
    row = parse_share.measure(tmp_path)
    # track.py reports, and views.py through the wrapper; names.py, views.py's helper, only feeds the index;
    # unrelated.py imports nothing and is never parsed
    assert row["files"] == 3 and row["reported"] == 2
    assert row["leaklint"] > 0 and row["cpython"] > 0 and 0 < row["leaklint reported"] < row["leaklint"]
    assert set(row["phases"]) >= {"read", "parse", "index", "report"}
