"""A class leads to a sink through its wrapper methods: a file importing the class is analysed only when its
text names one of them, since a model imported for its queries cannot reach the method otherwise."""

from __future__ import annotations

from pathlib import Path

from test_project import write_tree
from test_speed_contracts import project_findings

MODELS = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/models/__init__.py": "from .component import Component\n",
    "app/models/component.py": """
        from mixpanel import Mixpanel
        mp = Mixpanel("t")

        class Component:
            objects = None

            def report_failure(self, user, **props):
                mp.track(user.pk, "failed", props)

            def slug(self):
                return "c"
    """,
    # names the wrapper method: analysed, and its leak found
    "app/views/update.py": """
        from app.models import Component

        def update(user):
            Component().report_failure(user, email=user.email)
    """,
    # imports the class for its queries only
    "app/views/listing.py": """
        from app.models import Component
        from app.helpers import shown

        def listing(user):
            return [shown(c, user.email) for c in Component.objects.all()]
    """,
    "app/helpers.py": """
        def shown(component, email):
            return component.slug() + email
    """,
    # the module imported whole, its wrapper reached through it
    "app/views/module.py": """
        from app.models import component

        def fail(user):
            component.Component().report_failure(user, name=user.full_name)
    """,
}


def _project(root: Path):
    from leaklint.config import Settings
    from leaklint.discover import discover
    from leaklint.engine import Checker
    from leaklint.project import Project

    files = discover([root], Settings()).files
    project = Project.from_files(Checker(Settings()), root, [(f, str(f.relative_to(root))) for f in files],
                                 discover_root=False)
    return project, project.findings()


def test_only_files_naming_the_wrapper_method_are_analysed(tmp_path):
    write_tree(tmp_path, MODELS)
    project, found = _project(tmp_path)
    assert {(Path(f.path).name, f.line) for f in found} == {("update.py", 4), ("module.py", 4)}
    relevant = {Path(p).name for p in project.relevant}
    assert {"update.py", "module.py"} <= relevant
    assert "listing.py" not in relevant and "listing.py" not in project.shares.parsed
    # the same findings as analysing every file
    assert project_findings(tmp_path, True) == project_findings(tmp_path, False)


def test_a_re_exported_class_keeps_its_members_through_each_package(tmp_path):
    write_tree(tmp_path, {**MODELS, "app/api.py": "from app.models import Component as Model\n",
                          "app/views/api_user.py": """
        from app.api import Model

        def use(user):
            Model().report_failure(user, email=user.email)

        def count():
            return Model.objects.count()
    """, "app/views/api_idle.py": """
        from app.api import Model

        def count():
            return Model.objects.count()
    """})
    project, found = _project(tmp_path)
    assert ("api_user.py", 4) in {(Path(f.path).name, f.line) for f in found}
    assert "api_idle.py" not in {Path(p).name for p in project.relevant}


def test_a_cached_run_sees_a_file_that_starts_naming_the_method(tmp_path):
    from conftest import run_cli

    write_tree(tmp_path, MODELS)
    first = run_cli("check", ".", "--output-format", "concise", cwd=tmp_path).stdout
    assert "listing.py" not in first
    listing = tmp_path / "app" / "views" / "listing.py"
    listing.write_text(listing.read_text() + "\n\ndef fail(user):\n    Component().report_failure(user, email=user.email)\n")
    second = run_cli("check", ".", "--output-format", "concise", cwd=tmp_path).stdout
    cold = run_cli("check", ".", "--output-format", "concise", "--no-cache", cwd=tmp_path).stdout
    assert second == cold and "listing.py:9:5" in second


def test_an_open_document_that_starts_naming_the_method_is_analysed(tmp_path):
    from leaklint.api import check_source
    from leaklint.session import Session

    write_tree(tmp_path, MODELS)
    path = tmp_path / "app" / "views" / "edited.py"
    base = "from app.models import Component\n\ndef count():\n    return Component.objects.count()\n"
    session = Session()
    for text in (base, base + "\ndef fail(user):\n    Component().report_failure(user, email=user.email)\n"):
        found = session.analyse(path, text)
        expected = check_source(text, path).findings
        assert [(f.line, f.code) for f in found.findings] == [(f.line, f.code) for f in expected]
    assert [f.line for f in found.findings] == [7]
