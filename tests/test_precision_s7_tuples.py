"""A tuple keeps what each element carries: `status, exc, source = enroll(...)` gives each name its own
element of what the helper returns, `t[1]` and `for a, b in pairs` take their element, and only a tuple
whose shape is not known (returns of two lengths, a `return` of something else, a starred element) gives
every name the merged value, as before."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from harness import assert_project_reports, assert_reports, project_index

EMAIL = "LL001 email sent to Mixpanel track in 'properties'"
CREDENTIAL = "LL006 credential sent to Mixpanel track in 'properties'"

ENROLLMENT = """
    def enroll(request, card_token):
        funding_source = lookup(card_token)
        exception = None
        try:
            status = 1
        except Exception as e:
            status = 2
            exception = e
        return status, exception, funding_source
    """


def _views(*sent: str) -> str:
    calls = "".join(f"\n    mp.track(request.user.pk, 'enrolled', {{'v': {v}}})" for v in sent)
    return dedent("""
        import mixpanel
        from app.enrollment import enroll
        mp = mixpanel.Mixpanel("t")
        def form_valid(request, form):
            card_token = form.cleaned_data.get("card_token")
            status, exception, funding_source = enroll(request, card_token)""") + calls + "\n"


def test_only_the_element_a_helper_returns_an_argument_in_carries_it_to_the_sink():
    assert_project_reports({"app.enrollment": ENROLLMENT, "app.views": _views("status", "exception", "funding_source")},
                           {"app.views": [CREDENTIAL]})


HELPERS = """
    def process(summary, installation_id):
        user_token = get_token(installation_id)
        assignee = current_issue().user.email
        result = (summary.strip(), "repo", user_token, assignee)
        return result
    def several(user, flag):
        if flag:
            return user.email, 0
        elif user:
            return None, 1
        return user.phone, 2
    """


def test_an_element_of_a_tuple_bound_to_a_name_and_returned_is_kept_apart():
    views = """
        import mixpanel
        from app.helpers import process
        mp = mixpanel.Mixpanel("t")
        def on_ticket(summary, installation_id):
            summary, repo_name, user_token, assignee = process(summary, installation_id)
            mp.track("id", "started", {"repo": repo_name, "summary": summary})
            mp.track("id", "assigned", {"to": assignee})
        """
    assert_project_reports({"app.helpers": HELPERS, "app.views": views}, {"app.views": [EMAIL]})


def test_several_returns_of_one_length_merge_element_by_element():
    views = """
        import mixpanel
        from app.helpers import several
        mp = mixpanel.Mixpanel("t")
        def view(user):
            contact, step = several(user, True)
            mp.track("id", "step", {"step": step})
            mp.track("id", "contact", {"contact": contact})
        """
    assert_project_reports({"app.helpers": HELPERS, "app.views": views},
                           {"app.views": [EMAIL, "LL004 phone number sent to Mixpanel track in 'properties'"]})


def test_an_element_is_taken_by_its_literal_index_of_the_call_or_of_a_name_holding_it():
    views = """
        import mixpanel
        from app.helpers import process
        mp = mixpanel.Mixpanel("t")
        def view(summary, installation_id):
            mp.track("id", "a", {"repo": process(summary, installation_id)[1]})
            result = process(summary, installation_id)
            mp.track("id", "b", {"summary": result[0]})
            mp.track("id", "c", {"to": result[-1]})
            mp.track("id", "d", {"token": process(summary, installation_id)[2]})
        """
    assert_project_reports({"app.helpers": HELPERS, "app.views": views}, {"app.views": [EMAIL, CREDENTIAL]})


METHODS = """
    import mixpanel
    mp = mixpanel.Mixpanel("t")
    class Accounts:
        def contact(self, user):
            return user.pk, user.email
        def signup(self, user):
            user_id, email = self.contact(user)
            mp.track(user_id, "signed up", {"id": user_id})
            mp.track(user_id, "signed up", {"who": email})
    """


def test_a_methods_returned_tuple_is_split_at_a_call_on_self():
    assert_project_reports({"app.accounts": METHODS}, {"app.accounts": [EMAIL]})


def test_a_methods_returned_tuple_is_split_at_a_call_on_an_object_of_unknown_class():
    views = """
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def view(service, user):
            user_id, email = service.contact(user)
            mp.track("id", "a", {"id": user_id})
            mp.track("id", "b", {"who": email})
        """
    assert_project_reports({"app.accounts": METHODS, "app.views": views},
                           {"app.accounts": [EMAIL], "app.views": [EMAIL]})


FALLBACKS = """
    def shapes(user):
        if user.active:
            return user.email, 1
        return 1, 2, 3
    def sometimes(user):
        if user.active:
            return user.email
        return 1, 2
    def starred(user, rest):
        return 1, *rest, user.email
    def pairs(user):
        yield 1, user.email
    def fits(user):
        if user.active:
            return user.email, 1
        return user.phone, 2
    """


def test_a_tuple_the_summary_cannot_split_still_gives_every_name_its_data():
    views = """
        import mixpanel
        from app.fallbacks import shapes, sometimes, starred, pairs, fits
        mp = mixpanel.Mixpanel("t")
        def view(user):
            contact, step = fits(user)
            mp.track("id", "step", {"step": step})
            a, b = shapes(user)
            mp.track("id", "a", {"b": b})
            c, d = sometimes(user)
            mp.track("id", "c", {"d": d})
            e, f = starred(user, ())
            mp.track("id", "e", {"e": e})
            g, h = pairs(user)
            mp.track("id", "g", {"g": g})
        """
    assert_project_reports({"app.fallbacks": FALLBACKS, "app.views": views}, {"app.views": [EMAIL] * 4})


def test_a_local_tuple_gives_each_target_and_index_its_element():
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def view(user):
            t = (user.email, 1)
            mp.track(user.pk, "a", {"n": t[1]})
            mp.track(user.pk, "b", {"who": t[0]})
            (count, contact), flag = ((1, user.email), True)
            mp.track(user.pk, "c", {"n": count, "flag": flag})
            mp.track(user.pk, "d", {"who": contact})
            first, *rest = (user.email, 1, 2)
            *rest2, last = (1, 2, user.email)
            mp.track(user.pk, "e", {"rest": rest, "rest2": rest2})
            mp.track(user.pk, "f", {"who": last})
        """, [EMAIL] * 3)


def test_for_over_a_tuple_of_pairs_gives_each_target_its_elements():
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def view(user):
            for label, value in (("primary", user.email), ("backup", user.email)):
                mp.track(user.pk, "a", {"label": label})
                mp.track(user.pk, "b", {"value": value})
            names = [v for k, v in (("a", 1), ("b", user.email))]
            mp.track(user.pk, "c", {"v": names})
            keys = [k for k, v in (("a", 1), ("b", user.email))]
            mp.track(user.pk, "d", {"k": keys})
        """, [EMAIL] * 2)


def test_a_tuple_put_through_a_call_is_no_longer_split():
    # `sorted(pair)` or `reversed(pair)` has its elements in another order: each one is all of them.
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def view(user):
            mp.track(user.pk, "near miss", {"v": (user.email, 1)[1]})
            pair = tuple(reversed((user.email, 1)))
            mp.track(user.pk, "a", {"v": pair[1]})
            mp.track(user.pk, "b", {"v": (user.email, 1)[1:][0]})
        """, [EMAIL] * 2)


def test_the_elements_of_a_summary_survive_the_cache():
    from leaklint import index as idx, index_data

    index, _ = project_index({"app.enrollment": ENROLLMENT, "app.helpers": HELPERS, "app.views": _views("status")})
    again = index_data.from_data(index_data.to_data(index))
    assert again.functions == index.functions
    assert again.functions["app.enrollment.enroll"].returns.elements[2].params == ("card_token",)
    assert idx._key(again) == idx._key(index)


def test_a_warm_run_reports_what_the_cold_run_did(tmp_path, monkeypatch):
    from leaklint import api, index_data

    files = {"pyproject.toml": "[project]\nname = 'app'\n", "app/__init__.py": "",
             "app/enrollment.py": dedent(ENROLLMENT), "app/views.py": _views("status", "exception", "funding_source")}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    cold = api.check_paths([Path(".")], cache=True).findings
    loaded = []
    monkeypatch.setattr(index_data, "from_data", lambda data, load=index_data.from_data: loaded.append(1) or load(data))
    Path("app/views.py").write_text(files["app/views.py"] + "# reviewed\n")
    warm = api.check_paths([Path("app/views.py")], cache=True).findings
    assert loaded, "the warm run did not read the cached index"
    assert [(f.path, f.line, f.code) for f in cold] == [(str(Path("app/views.py")), 10, "LL006")]
    assert [(f.path, f.line, f.code) for f in warm] == [(f.path, f.line, f.code) for f in cold]
