"""The order a round walks modules in: after the modules they import, and, once walked, after the modules
that answered their last walk's questions, so that a change travels down a chain in one round."""

from __future__ import annotations

from harness import _CHECKER, _source, settled

from leaklint import index as idx
from leaklint.index_order import walk_order

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
