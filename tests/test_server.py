"""The language server, driven over stdio by a real client as an editor drives it: diagnostics with the
document version, code actions found again from the diagnostic in the current analysis, edits made on
the text the editor holds, analyses debounced; and the session that keeps each project between changes."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_project import write_tree

from conftest import run_cli

LEAK = "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef signup(user):\n    mp.track(user.pk, 'x', {'email': user.email})\n"
CLEAN = "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef signup(user):\n    mp.track(user.pk, 'x', {'plan': 'pro'})\n"
TWO_LEAKS = LEAK + "\ndef login(user):\n    mp.track(user.pk, 'y', {'phone': user.phone})\n"
PY2 = "import mixpanel\nprint 'hello'\n"
IMPORTS_BROKEN = "import broken\n" + LEAK


def frame(body: dict) -> bytes:
    data = json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class LspClient:
    """A minimal LSP client speaking JSON-RPC over the server's stdio; every message the server sends is
    kept in `seen`, in order."""

    def __init__(self, root: Path, capabilities: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "leaklint", "server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
        self.next_id = 0
        self.seen: list[dict] = []
        self.inbox: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        asked = self.send("initialize", {"processId": None, "rootUri": root.as_uri(),
                                         "capabilities": capabilities or {}}, request=True)
        self.initialized = self.wait_for(lambda m: m.get("id") == asked)
        self.send("initialized", {})

    def message(self, method: str, params: dict, request: bool = False) -> tuple[bytes, int | None]:
        body = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            body["id"] = self.next_id
        return frame(body), body.get("id")

    def send(self, method: str, params: dict, request: bool = False) -> int | None:
        data, ident = self.message(method, params, request)
        self.write(data)
        return ident

    def respond(self, ident: int, result) -> None:
        self.write(frame({"jsonrpc": "2.0", "id": ident, "result": result}))

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _read(self) -> None:
        while True:
            length = 0
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put(json.loads(self.proc.stdout.read(length)))

    def wait_for(self, predicate, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no such message; seen: {self.seen[-5:]}") from None
            if message is None:
                raise EOFError(self.proc.stderr.read().decode())
            self.seen.append(message)
            if predicate(message):
                return message

    def request(self, method: str, params: dict):
        asked = self.send(method, params, request=True)
        reply = self.wait_for(lambda m: m.get("id") == asked)
        assert "error" not in reply, reply
        return reply["result"]

    def open(self, uri: str, text: str) -> None:
        self.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                           "text": text}})

    def change(self, uri: str, version: int, text: str) -> None:
        self.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})

    def published(self, uri: str, version: int) -> dict:
        return self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri and m["params"].get("version") == version)["params"]

    def actions(self, uri: str, diagnostics: list[dict], only: list[str] | None = None) -> list[dict]:
        context = {"diagnostics": diagnostics, **({"only": only} if only else {})}
        return self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": context,
                                                        "range": diagnostics[0]["range"] if diagnostics else
                                                        {"start": {"line": 0, "character": 0},
                                                         "end": {"line": 0, "character": 0}}})

    def close(self) -> None:
        try:
            self.send("shutdown", {}, request=True)
            self.send("exit", {})
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def applied(text: str, edits: list[dict]) -> str:
    """`text` with LSP text edits made (positions in UTF-16 code units, edits not overlapping)."""
    from leaklint.server import LINE

    lines = LINE.findall(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict) -> int:
        at = starts[position["line"]]
        units = 0
        while units < position["character"]:
            units += len(text[at].encode("utf-16-le")) // 2
            at += 1
        return at

    out, at = [], 0
    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"])):
        out += [text[at:offset(edit["range"]["start"])], edit["newText"]]
        at = offset(edit["range"]["end"])
    return "".join(out) + text[at:]


def analyses(client: LspClient, since: int) -> list[str]:
    return [m["params"]["message"] for m in client.seen[since:]
            if m.get("method") == "window/logMessage" and "analysed" in m["params"]["message"]]


@pytest.fixture
def start(tmp_path):
    """Starts language servers on `tmp_path` (with the client capabilities given), shut down after the test."""
    clients = []

    def started(capabilities: dict | None = None) -> LspClient:
        clients.append(LspClient(tmp_path, capabilities))
        return clients[-1]

    yield started
    for client in clients:
        client.close()


def project(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path / "views.py", (tmp_path / "views.py").as_uri()


# -- over stdio -------------------------------------------------------------------------------------

def test_language_server_publishes_diagnostics_and_code_actions(tmp_path, start):
    _, uri = project(tmp_path)
    client = start()
    assert client.initialized["result"]["capabilities"]["codeActionProvider"]["codeActionKinds"] == [
        "quickfix", "source.fixAll"]
    client.open(uri, LEAK)
    published = client.published(uri, 1)
    [diagnostic] = published["diagnostics"]
    assert diagnostic["code"] == "LL001" and diagnostic["source"] == "leaklint"
    # the rule's section of the docs, as SARIF's helpUri and `leaklint rules LL001` give it
    assert diagnostic["codeDescription"]["href"].endswith("/docs/rules.md#ll001")
    assert diagnostic["range"]["start"] == {"line": 4, "character": 4}  # the call
    [origin] = diagnostic["relatedInformation"]
    assert origin["message"] == "email read here: user.email"
    assert origin["location"] == {"uri": uri, "range": {"start": {"line": 4, "character": 37},
                                                        "end": {"line": 4, "character": 37}}}
    actions = client.actions(uri, [diagnostic])
    titles = [a["title"] for a in actions]
    assert titles == ["Fix LL001: wrap in scrub()", "Suppress LL001 on this line"]
    fixed = applied(LEAK, actions[0]["edit"]["changes"][uri])
    assert "scrub({'email': user.email})" in fixed and "from leaklint_scrub import scrub" in fixed
    assert actions[1]["edit"]["changes"][uri][0]["newText"] == "  # noqa: LL001"
    client.change(uri, 2, CLEAN)
    assert client.published(uri, 2)["diagnostics"] == []


def test_a_stale_diagnostic_gets_no_action_and_a_failed_analysis_loses_no_lines(tmp_path, start):
    """Insert lines above the leak, then break the file, then remove the leak: each step's code actions
    come from the analysis of the text the editor holds, or there are none."""
    _, uri = project(tmp_path)
    client = start()
    client.open(uri, LEAK)
    [first] = client.published(uri, 1)["diagnostics"]
    moved = "# one\n# two\n# three\n" + LEAK
    client.change(uri, 2, moved)
    assert client.actions(uri, [first]) == []   # asked before version 2 is analysed: nothing
    [second] = client.published(uri, 2)["diagnostics"]
    assert second["range"]["start"]["line"] == first["range"]["start"]["line"] + 3
    assert client.actions(uri, [first]) == []   # the stale diagnostic: not another finding's fix
    fixes = client.actions(uri, [second])
    edits = fixes[0]["edit"]["changes"][uri]
    assert applied(moved, edits).startswith("# one\n# two\n# three\n")
    assert all(e["range"]["end"]["line"] - e["range"]["start"]["line"] <= 1 for e in edits)  # no whole-file edit
    broken = moved + "\ndef half(:\n"
    client.change(uri, 3, broken)
    [error] = client.published(uri, 3)["diagnostics"]
    assert error["code"] == "LL900"
    assert client.actions(uri, [second]) == []  # the leak's fix is not offered on the text it was not found in
    client.change(uri, 4, moved.replace("'email': user.email", "'plan': 'pro'"))
    assert client.published(uri, 4)["diagnostics"] == []
    assert client.actions(uri, [second]) == []


def test_rapid_edits_are_analysed_once_for_the_last_version(tmp_path, start):
    _, uri = project(tmp_path)
    client = start()
    client.open(uri, CLEAN)
    client.published(uri, 1)
    since = len(client.seen)
    burst = [client.message("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": v},
        "contentChanges": [{"text": (LEAK if v % 2 else CLEAN) + "#" * v + "\n"}]})[0] for v in range(2, 8)]
    client.write(b"".join(burst))
    [diagnostic] = client.published(uri, 7)["diagnostics"]
    assert diagnostic["code"] == "LL001"
    time.sleep(0.5)   # (room for any late analysis to show itself)
    client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"],
                                               "context": {"diagnostics": []}})
    published = [m["params"].get("version") for m in client.seen[since:]
                 if m.get("method") == "textDocument/publishDiagnostics"]
    assert published == [7]
    [analysed] = analyses(client, since)
    assert "version 7" in analysed and "superseded" not in analysed


def test_code_actions_for_unknown_or_damaged_diagnostics_are_none(tmp_path, start):
    """Before, the action was looked up by list position: an index past the end failed the request."""
    _, uri = project(tmp_path)
    client = start()
    client.open(uri, LEAK)
    [diagnostic] = client.published(uri, 1)["diagnostics"]
    for data in ({"index": 7}, {"code": "LL001", "key": "nope"}, "text", None):
        assert client.actions(uri, [{**diagnostic, "data": data}], only=["quickfix"]) == []
    assert client.actions(uri, [{**diagnostic, "code": "LL002", "data": {**diagnostic["data"], "code": "LL002"}}],
                          only=["quickfix"]) == []
    assert client.actions("file:///elsewhere.py", [diagnostic]) == []


def test_fix_all_makes_the_safe_fixes_check_fix_makes(tmp_path, start):
    path, uri = project(tmp_path)
    client = start({"workspace": {"workspaceEdit": {"documentChanges": True}}})
    client.open(uri, TWO_LEAKS)
    assert len(client.published(uri, 1)["diagnostics"]) == 2
    [action] = client.actions(uri, [], only=["source.fixAll"])
    assert action["kind"] == "source.fixAll" and action["title"] == "Fix all leaklint safe fixes (2)"
    [change] = action["edit"]["documentChanges"]
    assert change["textDocument"] == {"uri": uri, "version": 1}   # refused by the client once it moves on
    expected = run_cli("check", "--fix", "--stdin-filename", str(path), "-", cwd=tmp_path, stdin=TWO_LEAKS).stdout
    assert applied(TWO_LEAKS, change["edits"]) == expected != TWO_LEAKS


def test_a_saved_helper_updates_the_open_documents_that_use_it(tmp_path, start):
    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/track.py": """
        from mixpanel import Mixpanel
        mp = Mixpanel("t")
        def send(user, props):
            pass
    """, "app/views.py": """
        from app.track import send
        def view(user):
            send(user, {"email": user.email})
    """})
    views, track = tmp_path / "app" / "views.py", tmp_path / "app" / "track.py"
    client = start({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    asked = client.wait_for(lambda m: m.get("method") == "client/registerCapability")
    [registration] = asked["params"]["registrations"]
    assert registration["method"] == "workspace/didChangeWatchedFiles"
    assert {"globPattern": "**/*.py"} in registration["registerOptions"]["watchers"]
    client.respond(asked["id"], None)
    client.open(views.as_uri(), views.read_text())
    assert client.published(views.as_uri(), 1)["diagnostics"] == []
    client.open(track.as_uri(), track.read_text())
    client.published(track.as_uri(), 1)
    sending = track.read_text().replace("pass", "mp.track(user.pk, 'x', props)")
    client.change(track.as_uri(), 2, sending)
    client.published(track.as_uri(), 2)
    track.write_text(sending)
    client.send("textDocument/didSave", {"textDocument": {"uri": track.as_uri()}})
    [found] = client.published(views.as_uri(), 1)["diagnostics"]
    assert found["code"] == "LL001"
    track.write_text(track.read_text().replace("mp.track(user.pk, 'x', props)", "pass"))   # another program
    client.send("workspace/didChangeWatchedFiles", {"changes": [{"uri": track.as_uri(), "type": 2}]})
    assert client.published(views.as_uri(), 1)["diagnostics"] == []


# -- the session and the edits ---------------------------------------------------------------------

def test_a_session_updates_a_document_as_a_fresh_check_finds_it(tmp_path):
    from leaklint.api import check_source
    from leaklint.session import Session

    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/track.py": """
        from mixpanel import Mixpanel
        mp = Mixpanel("t")
        def send(user, **props):
            mp.track(user.pk, "x", props)
    """})
    path = tmp_path / "app" / "views.py"
    base = "from app.track import send\n\ndef view(user):\n    send(user, email=user.email)\n"
    steps = [base, "# moved\n" + base, base + "def half(:\n", base.replace("email=user.email", "plan=1"),
             base, "import os\n" + base, base + "\ndef relay(user, **kw):\n    send(user, **kw)\n"
             "\ndef other(user):\n    relay(user, phone=user.phone)\n"]
    session = Session()
    rebuilt = []
    for text in steps:
        found = session.analyse(path, text)
        rebuilt.append(found.rebuilt)
        expected = check_source(text, path).findings
        assert [(f.line, f.col, f.code, f.message) for f in found.findings] == \
               [(f.line, f.col, f.code, f.message) for f in expected], text
        assert found.source.text == text
    # opened; then a body edit, a syntax error, a body edit and back, without building the project again;
    # a new import and a new wrapper change which modules matter
    assert rebuilt == [True, False, False, False, False, True, True]


def test_a_session_shows_of_test_code_what_check_shows(tmp_path):
    from leaklint.api import check_source
    from leaklint.session import Session

    (tmp_path / "pyproject.toml").write_text("")
    path = tmp_path / "tests" / "test_views.py"
    session = Session()
    for text in (LEAK, LEAK + "def half(:\n"):   # the syntax error mid-edit is left out as `check` leaves it
        assert session.analyse(path, text).findings == check_source(text, path).findings == []


def test_a_session_follows_helpers_changed_removed_and_added_on_disk(tmp_path):
    from leaklint.session import Session

    sending = """
        from mixpanel import Mixpanel
        mp = Mixpanel("t")
        def send(user, props):
            mp.track(user.pk, "x", props)
    """
    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/track.py": sending})
    views, track = tmp_path / "app" / "views.py", tmp_path / "app" / "track.py"
    text = "from app.track import send\n\ndef view(user):\n    send(user, {'email': user.email})\n"
    session = Session()

    def codes() -> list[str]:
        return [f.code for f in session.analyse(views, text).findings]

    assert codes() == ["LL001"]
    assert session.file_changed(views) == set()   # the document itself: its buffer is what counts
    track.write_text(track.read_text().replace('mp.track(user.pk, "x", props)', "pass"))
    assert session.file_changed(track) == {str(views)} and codes() == []
    track.unlink()
    assert session.file_changed(track) == {str(views)} and codes() == []
    write_tree(tmp_path, {"app/track.py": sending})
    assert session.file_changed(track) == {str(views)} and codes() == ["LL001"]
    assert session.file_changed(tmp_path.parent / "elsewhere.py") == set()


def test_the_session_reports_its_own_failure_on_the_document(tmp_path, monkeypatch):
    from leaklint import server
    from leaklint.project import Project

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "broken.py").write_text(PY2)
    findings, source, _ = server.analyse(tmp_path / "views.py", IMPORTS_BROKEN)
    assert [(f.line, f.code) for f in findings] == [(6, "LL001")] and source.text == IMPORTS_BROKEN

    def fail(self):
        raise KeyError("missing")

    monkeypatch.setattr(Project, "build", fail)
    findings, source, _ = server.analyse(tmp_path / "views.py", IMPORTS_BROKEN)
    assert [(f.line, f.code) for f in findings] == [(1, "LL902")] and source.text == IMPORTS_BROKEN
    assert findings[0].message.startswith("internal error: KeyError: 'missing'")


def test_text_edits_touch_only_what_changed():
    from leaklint.server import text_edits

    old = "a = 1\r\nb = '𝄞é'; c(x)\r\nd = 2\n"
    new = "from m import s\r\na = 1\r\nb = '𝄞é'; c(s(x))\r\nd = 2\n"
    edits = [{"range": {"start": {"line": e.range.start.line, "character": e.range.start.character},
                        "end": {"line": e.range.end.line, "character": e.range.end.character}}, "newText": e.new_text}
             for e in text_edits(old, new)]
    assert applied(old, edits) == new
    assert [(e["range"], e["newText"]) for e in edits] == [   # '𝄞' is two UTF-16 units
        ({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "from m import s\r\n"),
        ({"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 14}}, "s(x)")]
    assert text_edits(old, old) == []
