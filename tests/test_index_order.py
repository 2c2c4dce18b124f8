"""The order a round walks modules in: after the modules they import, and, once walked, after the modules
that answered their last walk's questions, so that a change travels down a chain in one round."""

from __future__ import annotations

import textwrap

import pytest
from harness import _CHECKER, _source, settled

from leaklint import index as idx
from leaklint import parallel
from leaklint.config import Settings
from leaklint.engine import Checker
from leaklint.index_order import walk_order
from leaklint.project import Project

ROOTS = frozenset({"app"})

# No module imports another: each reaches the next one's method by its name only, against the order of
# their names (a asks m for `summary`, m asks z for `details`).
MODULES = {
    "app.a": """
        import mixpanel
        mp = mixpanel.Mixpanel("token")

        def report(account):
            mp.track("id", "seen", {"about": account.summary()})
        """,
    "app.m": """
        class Account:
            def __init__(self, user, place):
                self.user = user
                self.place = place

            def summary(self):
                return f"{self.user.email} {self.place.details()}"
        """,
    "app.z": """
        class Place:
            def __init__(self, user):
                self.user = user

            def details(self):
                return self.user.address
        """,
}


def sources():
    return [_source(text, name, ROOTS, display=name.replace(".", "/") + ".py") for name, text in MODULES.items()]


def test_imports_first_then_who_answered():
    mods = sources()
    assert [s.info.name for s in walk_order(mods)] == ["app.a", "app.m", "app.z"]   # no imports: by name
    index, found, seen = idx.ProjectIndex(), {}, {}
    idx.run_round(_CHECKER, index, mods, found, seen=seen)
    assert ("method_returns", "summary") in seen["app/a.py"] and ("method_returns", "details") in seen["app/m.py"]
    assert [s.info.name for s in walk_order(mods, seen, index)] == ["app.z", "app.m", "app.a"]


def rounds(seen, order, modules=MODULES):
    """Rounds until the index is stable: (walks, rounds, the report codes of each module)."""
    index, found = settled(modules, seen=seen, order=order)
    return index.walks, index.rounds, {d: [r.code for r in reports] for d, reports in found.items()}


def test_a_chain_against_the_name_order_settles_in_one_round_with_the_same_findings(monkeypatch):
    walks, rounds_taken, found = rounds(seen={}, order={})
    assert found["app/a.py"] == ["LL001", "LL004"]   # the email, and the address through m and z
    # round 1: a, m, z; round 2: m (z's details is new to it), then a; round 3: nothing changes
    assert (walks, rounds_taken) == (5, 3)
    every_walk = rounds(seen=None, order=None)   # the reference: every module walked in every round
    assert every_walk[2] == found and every_walk[0] > walks
    # by the import order alone, round 2 walks a before m has changed, and round 3 walks it again
    monkeypatch.setattr(idx, "walk_order", lambda sources, seen=None, index=None, memo=None: walk_order(sources))
    assert rounds(seen={}, order={}) == (6, 3, found)


SINGLETON = {
    "app.service": """
        class Service:
            def contact(self, user):
                return user.email

        service = Service()
        """,
    "app.views": """
        import mixpanel
        from app.service import service
        mp = mixpanel.Mixpanel("token")

        def signup(user):
            mp.track("id", "signed up", {"to": service.contact(user)})
        """,
}


def test_a_module_instance_of_its_own_class_needs_no_second_walk():
    """`service = Service()` below `class Service`: the module's classes are known from its syntax before
    its walk, so the walk does not learn them halfway and run again (a service module's usual shape)."""
    walks, _, found = rounds(seen={}, order={}, modules=SINGLETON)
    assert found["app/views.py"] == ["LL001"]
    assert walks == 2
    assert rounds(seen=None, order=None, modules=SINGLETON)[2] == found   # every module walked every round


# `UsernameField` is defined in a module walked after the models when the order is reversed: told only at
# its module's walk, `User.username` read as a helper's result named like a person's name, and the cycle of
# look-ups by method name (`Profile.get_absolute_url` asks for any `get_absolute_url`, its own included)
# kept that first answer alive.
GHOST = {
    "app/fields.py": """
        import analytics

        class UsernameField:
            def __init__(self, max_length=150):
                self.max_length = max_length
        """,
    "app/models.py": """
        import analytics
        from app.fields import UsernameField

        class User:
            username = UsernameField()

            def get_absolute_url(self):
                return self.username

        class Profile:
            def __init__(self, owner):
                self.owner = owner

            def get_absolute_url(self):
                return self.owner.get_absolute_url()
        """,
    "app/track.py": """
        import analytics
        from app.models import Profile

        def page_seen(page: Profile):
            analytics.track("anonymous", "page seen", {"url": page.get_absolute_url()})
        """,
    "app/health.py": """
        import analytics

        def ping():
            analytics.track("anonymous", "ping", {})
        """,   # (two jobs share out four files or more)
}


def project_findings(root, jobs: int) -> list[tuple]:
    files = sorted(root.rglob("*.py"))
    project = Project.from_files(Checker(Settings()), root, [(f, str(f.relative_to(root))) for f in files],
                                 discover_root=False, jobs=jobs)
    return sorted((f.path, f.line, f.code, f.message) for f in project.findings())


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_findings_do_not_depend_on_the_walk_order(tmp_path, monkeypatch, jobs):
    """With two jobs the models and the fields may sit in different processes' shares: each process's
    index is told every class parsed anywhere before its first walk."""
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)   # workers for these few small files too
    for path, text in GHOST.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text))
    one_job = project_findings(tmp_path, 1)
    assert project_findings(tmp_path, jobs) == one_job
    monkeypatch.setattr(idx, "walk_order", lambda *args, **kwargs: list(reversed(walk_order(*args, **kwargs))))
    assert project_findings(tmp_path, jobs) == one_job
