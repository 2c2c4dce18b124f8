"""A module walked again walks only the functions whose answers changed (`index_replay`): the others are
replayed from their last walk, with the same reports and facts as walking them would give."""

from __future__ import annotations

import collections

from harness import settled

from leaklint import walk

# `report` asks m for `summary`, which m only has once it is walked (after a, by name order): a is walked
# again in round 2.  Its other functions asked nothing that changed.
MODULES = {
    "app.a": """
        import mixpanel
        mp = mixpanel.Mixpanel("token")

        def report(account):
            mp.track("id", "seen", {"about": account.summary()})

        def signup(user):
            mp.track("id", "signed up", {"email": user.email})

        def forward(props):
            mp.track("id", "forwarded", props)
        """,
    "app.m": """
        class Account:
            def __init__(self, user):
                self.user = user

            def summary(self):
                return self.user.email
        """,
    "app.v": """
        from app.a import forward

        def view(user):
            forward({"phone": user.phone})
        """,
}


def settle(monkeypatch, modules: dict[str, str], seen, order, functions):
    """Rounds until the index is stable: (function walks by name, the reports of each module)."""
    walked: collections.Counter[str] = collections.Counter()
    function = walk.Walker.function

    def counted(self, job):
        walked[job.scope.qualname] += 1
        return function(self, job)

    monkeypatch.setattr(walk.Walker, "function", counted)
    index, found = settled(modules, seen=seen, order=order, functions=functions)
    reports = {d: sorted((r.code, r.message) for r in rs) for d, rs in found.items()}
    return walked, reports, {q: f.key for q, f in index.functions.items()}


def test_only_the_function_whose_answer_changed_is_walked_again(monkeypatch):
    walked, reports, facts = settle(monkeypatch, MODULES, seen={}, order={}, functions={})
    assert walked["app.a.report"] == 2
    assert walked["app.a.signup"] == walked["app.a.forward"] == 1
    # the reference: every module walked whole in every round
    every_walk, every_report, every_fact = settle(monkeypatch, MODULES, seen=None, order=None, functions=None)
    assert every_walk["app.a.signup"] > 1
    assert (reports, facts) == (every_report, every_fact)
    assert any("email" in message for _, message in reports["app/a.py"])   # through m's summary, and direct
    assert "app.a.forward" in facts   # a sink of its own: v's call to it is reported
    assert reports["app/v.py"]


def test_a_function_changing_what_the_module_holds_is_walked_again_with_those_after_it(monkeypatch):
    """`remember` binds a module name (`global`): the functions after it may see what it bound, so from it
    on the module is walked whole."""
    modules = dict(MODULES)
    modules["app.a"] = MODULES["app.a"] + """
        last = None

        def remember(user):
            global last
            last = user.email

        def later():
            mp.track("id", "later", {"last": last})
        """
    walked, reports, facts = settle(monkeypatch, modules, seen={}, order={}, functions={})
    assert walked["app.a.remember"] == walked["app.a.later"] == 2
    assert walked["app.a.signup"] == 1
    every = settle(monkeypatch, modules, seen=None, order=None, functions=None)
    assert (reports, facts) == every[1:]


def test_a_module_parsed_again_starts_afresh(monkeypatch):
    """What a function's walk did is kept with the syntax tree it walked: another tree of the module (the
    file changed) replays nothing of the old one."""
    functions: dict = {}
    settle(monkeypatch, MODULES, seen={}, order={}, functions=functions)
    assert functions["app/a.py"].functions
    walked, reports, _ = settle(monkeypatch, MODULES, seen={}, order={}, functions=functions)
    assert walked["app.a.signup"] >= 1 and reports["app/a.py"]


def test_a_name_defined_twice_replays_each_definition_from_its_own_walk(monkeypatch):
    modules = dict(MODULES)
    modules["app.a"] = MODULES["app.a"] + """
        if mp:
            def send(user):
                mp.track("id", "sent", {"email": user.email})
        else:
            def send(user):
                mp.track("id", "sent", {"phone": user.phone})
        """
    walked, reports, facts = settle(monkeypatch, modules, seen={}, order={}, functions={})
    assert walked["app.a.send"] == 2 and walked["app.a.report"] == 2   # each `send` once; `report` again
    every = settle(monkeypatch, modules, seen=None, order=None, functions=None)
    assert (reports, facts) == every[1:]
    assert sum("phone" in message for _, message in reports["app/a.py"]) == 1


def test_two_classes_of_one_name_each_give_their_methods_their_own_attributes(monkeypatch):
    """The first `Tracker`'s property learns in round 2 that `summary` returns an email; the second
    `Tracker` binds the same name and attributes in both rounds.  What the module's statements bound then
    looks the same, but the first class's `send` sees another `about`: it is walked again, not replayed."""
    modules = {"app.a": """
        import mixpanel
        mp = mixpanel.Mixpanel("token")

        if mp:
            class Tracker:
                @property
                def about(self):
                    return request.account.summary()

                def send(self, user):
                    mp.track("id", "seen", {"about": self.about})
        else:
            class Tracker:
                about = mixpanel.Mixpanel("other")

                def send(self, user):
                    mp.track("id", "seen", {"about": user.id})
        """, "app.m": MODULES["app.m"]}
    _, reports, facts = settle(monkeypatch, modules, seen={}, order={}, functions={})
    every = settle(monkeypatch, modules, seen=None, order=None, functions=None)
    assert (reports, facts) == every[1:]
    assert any("email" in message for _, message in reports["app/a.py"])
