"""Risky SDK settings passed along parameters: a function forwarding its parameter to `send_default_pii`
(or any setting of `settings.toml`) is a settings sink; a caller passing the risky value is reported at
its call, a risky default at the function, through wrappers of wrappers and across modules."""

from __future__ import annotations

from pathlib import Path

from harness import assert_project_reports

from leaklint.api import check_paths

SENTRY_EFFECT = ("Sentry attaches request IPs, cookies, headers and the logged-in user's id, email and username "
                 "to every event")
OBS = """
import sentry_sdk

def init_sentry(dsn, send_default_pii=False, environment="prod"):
    sentry_sdk.init(dsn=dsn, send_default_pii=send_default_pii, environment=environment)
"""


def test_a_caller_passing_true_to_the_wrappers_parameter_is_reported_at_its_call():
    assert_project_reports({"app.obs": OBS, "app.main": """
from app.obs import init_sentry
init_sentry("https://k@example.invalid/1", send_default_pii=True)
"""}, {"app.main": [f"LL020 app.obs.init_sentry(send_default_pii=True) sets Sentry's send_default_pii=True: "
                    f"{SENTRY_EFFECT}"]})


def test_the_wrappers_false_default_and_callers_passing_false_or_nothing_stay_quiet():
    assert_project_reports({"app.obs": OBS, "app.main": """
from app.obs import init_sentry
init_sentry("https://k@example.invalid/1", send_default_pii=False)
init_sentry("https://k@example.invalid/1")
init_sentry("https://k@example.invalid/1", environment="staging")
"""}, {})


def test_a_renamed_positional_parameter_and_a_dict_spread_are_followed():
    obs = """
import sentry_sdk

def setup(dsn, pii=False):
    sentry_sdk.init(dsn, send_default_pii=pii)
"""
    assert_project_reports({"app.obs": obs, "app.main": """
from app import obs
obs.setup("dsn", True)
obs.setup("dsn", **{"pii": True})
obs.setup("dsn", **{"pii": False})
"""}, {"app.main": [f"LL020 app.obs.setup(pii=True) sets Sentry's send_default_pii=True: {SENTRY_EFFECT}"] * 2})


def test_a_wrapper_whose_default_is_risky_is_reported_at_its_default():
    obs = """
import sentry_sdk

def init_sentry(dsn, send_default_pii=True):
    sentry_sdk.init(dsn=dsn, send_default_pii=send_default_pii)
"""
    assert_project_reports({"app.obs": obs, "app.main": "from app.obs import init_sentry\ninit_sentry('dsn')\n"},
                           {"app.obs": [f"LL020 send_default_pii=True by default in app.obs.init_sentry(): "
                                        f"{SENTRY_EFFECT}"]})


def test_wrappers_of_wrappers_and_a_setting_whose_risky_value_is_false():
    obs = """
import posthog

def make_client(key, geoip_off=True):
    return posthog.Posthog(key, disable_geoip=geoip_off)

def client_for(key, off=True):
    return make_client(key, geoip_off=off)
"""
    assert_project_reports({"app.obs": obs, "app.main": """
from app.obs import client_for
client_for("k", off=False)
client_for("k", off=True)
"""}, {"app.main": ["LL020 app.obs.client_for(off=False) sets PostHog's disable_geoip=False: PostHog geolocates "
                    "the sending IP address of every event"]})


def test_a_parameter_that_is_only_logged_is_not_a_settings_sink():
    obs = """
import logging
import sentry_sdk

def init_sentry(dsn, send_default_pii=False):
    logging.info("pii: %s", send_default_pii)
    sentry_sdk.init(dsn=dsn)
"""
    assert_project_reports({"app.obs": obs, "app.main": """
from app.obs import init_sentry
init_sentry("dsn", send_default_pii=True)
"""}, {})


def test_the_settings_sink_survives_the_cache_and_a_change_to_the_caller_only(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "obs.py").write_text(OBS.lstrip(), encoding="utf-8")
    main = pkg / "main.py"
    main.write_text("from app.obs import init_sentry\ninit_sentry('dsn')\n", encoding="utf-8")
    assert [f.code for f in check_paths([tmp_path], cache=True).findings] == []
    main.write_text("from app.obs import init_sentry\ninit_sentry('dsn', send_default_pii=True)\n", encoding="utf-8")
    found = check_paths([tmp_path], cache=True).findings  # the index of app.obs comes from the cache
    assert [(Path(f.path).name, f.line, f.code) for f in found] == [("main.py", 2, "LL020")]


def test_a_wrapper_forwarding_a_setting_and_data_is_named_after_the_vendor_it_sends_to(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "obs.py").write_text(
        "import sentry_sdk\n\n\ndef setup(dsn, pii, user_info):\n"
        "    sentry_sdk.init(dsn=dsn, send_default_pii=pii)\n    sentry_sdk.set_user(user_info)\n")
    (tmp_path / "app" / "views.py").write_text(
        "from app.obs import setup\n\n\ndef view(request):\n    setup('dsn', False, {'email': request.user.email})\n")
    messages = [f.message for f in check_paths([tmp_path]).findings]
    assert any("sent to Sentry set_user (error tracking) via obs.setup" in m for m in messages), messages
    assert not any("sentry.send_default_pii via" in m for m in messages), messages
