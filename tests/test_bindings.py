"""Where a client or personal data is bound, by example."""

from __future__ import annotations

from pathlib import Path

from conftest import check_files
from test_project import write_tree

# -- the project's files that matter ----------------------------------------------------------------
def test_importers_of_a_module_that_leads_to_a_sink_only_after_the_last_rounds_are_checked(tmp_path: Path):
    """`outer` becomes a sink only in the second round (it calls `inner`, defined below it), so `wrap`
    leads to a sink only then; `views`, which imports nothing else that matters, must still be checked."""
    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/track.py": """
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def outer(user, props):
            inner(user, props)
        def inner(user, props):
            mp.track(user.pk, "E", props)
        """, "app/wrap.py": """
        from app.track import outer
        def notify(user, props):
            outer(user, props)
        """, "app/views.py": """
        from app.wrap import notify
        def signup(user):
            notify(user, {"email": user.email})
        """})
    [finding] = check_files(tmp_path, tmp_path / "app" / "views.py")
    assert finding.code == "LL001" and "via wrap.notify(props) -> track.outer(props)" in finding.message
