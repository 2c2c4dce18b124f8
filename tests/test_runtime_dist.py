"""The runtime scrubber as its own distribution: installed alone, it runs an application leaklint fixed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

from conftest import ROOT, run_cli
from leaklint_scrub import MARKER

FIXED_APP = """
    import mixpanel
    from amplitude import Identify


    mp = mixpanel.Mixpanel("token")


    def signed_up(user):
        mp.track(user.pk, "Signed Up", {"email": user.email, "who": user.full_name, "plan": "pro"})
        ident = Identify()
        ident.set("name", user.full_name)
        mp.track(user.username, "Seen")
        return ident
"""
FAKE_SDKS = {
    "mixpanel.py": "SENT = []\nclass Mixpanel:\n    def __init__(self, token): pass\n"
                   "    def track(self, *args): SENT.append(args)\n",
    "amplitude.py": "class Identify:\n    def __init__(self): self.sent = {}\n"
                    "    def set(self, key, value): self.sent[key] = value\n",
}
RUN_APP = """
import json, types, mixpanel, app
for name in ("libcst", "leaklint"):
    try:
        __import__(name)
        raise SystemExit(name + " is importable")
    except ImportError:
        pass
user = types.SimpleNamespace(pk=7, email="jane@example.com", full_name="Jane Doe", username="jdoe")
ident = app.signed_up(user)
print(json.dumps([mixpanel.SENT, ident.sent]))
"""


def test_the_runtime_distribution_alone_runs_a_fixed_application(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(textwrap.dedent(FIXED_APP).lstrip())
    fixed = run_cli("check", ".", "--fix", "--unsafe-fixes", cwd=app)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "from leaklint_scrub import pseudonymize, scrub\n" in (app / "app.py").read_text()
    fakes = tmp_path / "fakes"  # stand-ins for the SDKs, outside the checked folder
    fakes.mkdir()
    for name, text in FAKE_SDKS.items():
        (fakes / name).write_text(text)
    # A fresh environment with nothing but the runtime distribution, built from a copy of runtime/.
    shutil.copytree(ROOT / "runtime", tmp_path / "runtime", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "-q", str(tmp_path / "runtime")], capture_output=True,
                             text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True)
    assert {p["name"] for p in json.loads(listed.stdout)} <= {"leaklint-scrub", "leaklint_scrub", "pip", "setuptools"}
    ran = subprocess.run([python, "-c", RUN_APP], cwd=app, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": f"{app}:{fakes}", "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    [[(_, event, properties), (seen_by, seen)], identified] = json.loads(ran.stdout)
    assert properties == {"email": MARKER, "who": MARKER, "plan": "pro"} and event == "Signed Up"
    assert identified == {"name": MARKER}
    assert (seen_by, seen) == (MARKER, "Seen")  # no pseudonym key in that environment: fails closed, not open
    assert "Traceback" not in ran.stderr
