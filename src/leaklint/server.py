"""`leaklint server`: a language server (pygls) publishing findings as diagnostics, with quick fixes.

Install with `pip install leaklint[lsp]`.  A change is analysed once the typing pauses (`DELAY`), in a
thread of its own, against the project kept in memory since the document was opened (`session`); a
result for a version the editor has moved past is dropped, never published.  Diagnostics carry the
document version they are for.  A code action is found again from the diagnostic's own rule, key and
range in the analysis of the text the editor holds now, and its edits are made on that text: when the
document changed since its last analysis, nothing is offered until it is analysed again.
"""

from __future__ import annotations

import asyncio
import bisect
import difflib
import hashlib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlparse

from . import __version__
from .rules.docs import rule_url
from .suppress import source_lines

SOURCE = "leaklint"
DELAY = 0.15   # seconds without a change before a document is analysed
WATCHED = ("**/*.py", "**/pyproject.toml", "**/leaklint.toml", "**/.leaklint.toml", "**/setup.cfg", "**/setup.py")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")   # a line with its break, as LSP counts lines


def path_of(uri: str) -> Path:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(uri)


def utf16_column(line: str, column: int) -> int:
    """LSP counts characters in UTF-16 code units; leaklint counts code points."""
    return len(line[:column].encode("utf-16-le")) // 2


def related_information(related, uri: str, shown: str, lines: list[str]):
    """An LSP `DiagnosticRelatedInformation`: in this document (`shown` is its finding's path), or in another
    file of the project, whose line is read for the UTF-16 column."""
    from lsprotocol import types as t

    if related.path == shown:
        target, text = uri, lines
    else:
        other = Path(related.path).absolute()
        target = other.as_uri()
        try:
            text = source_lines(other.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            text = []
    line = text[related.line - 1] if 0 < related.line <= len(text) else ""
    at = t.Position(related.line - 1, utf16_column(line, related.col - 1))
    return t.DiagnosticRelatedInformation(location=t.Location(target, t.Range(at, at)), message=related.message)


def analyse(path: Path, text: str):
    """Findings, source and settings for one document, checked as `leaklint check` checks it: with its
    project's index and the configuration nearest to it."""
    from .session import Session

    found = Session().analyse(path, text)
    return found.findings, found.source, found.settings


def finding_key(finding) -> str:
    """Tells a finding from the others of its rule at one place (the fingerprint: the rule, file and call)."""
    return finding.fingerprint or hashlib.sha256(finding.message.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def finding_range(finding, lines: list[str]):
    from lsprotocol import types as t

    line = lines[finding.line - 1] if finding.line - 1 < len(lines) else ""
    end_line = lines[finding.end_line - 1] if finding.end_line and finding.end_line - 1 < len(lines) else line
    start = t.Position(finding.line - 1, utf16_column(line, finding.col - 1))
    end_col = (finding.end_col or finding.col) - 1
    return t.Range(start, t.Position((finding.end_line or finding.line) - 1, utf16_column(end_line, end_col)))


def diagnostic(finding, uri: str, lines: list[str]):
    from lsprotocol import types as t

    return t.Diagnostic(
        range=finding_range(finding, lines), message=finding.message, severity=t.DiagnosticSeverity.Warning,
        code=finding.code, source=SOURCE, data={"code": finding.code, "key": finding_key(finding)},
        code_description=t.CodeDescription(href=rule_url(finding.code)),
        related_information=[related_information(r, uri, finding.path, lines) for r in finding.related] or None)


def text_edits(old: str, new: str) -> list:
    """`new` as edits of `old`: one per run of changed lines, trimmed to the characters that differ
    (the lines around keep what the editor has, and its cursor)."""
    from lsprotocol import types as t

    before, after = LINE.findall(old), LINE.findall(new)
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))

    def position(offset: int):
        row = bisect.bisect_right(starts, offset) - 1
        return t.Position(row, len(old[starts[row]:offset].encode("utf-16-le")) // 2)

    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        was, now = "".join(before[i1:i2]), "".join(after[j1:j2])
        head = len(_common_prefix(was, now))
        tail = len(_common_prefix(was[head:][::-1], now[head:][::-1]))
        start, end = starts[i1] + head, starts[i1] + len(was) - tail
        edits.append(t.TextEdit(t.Range(position(start), position(end)), now[head:len(now) - tail]))
    return edits


def _common_prefix(a: str, b: str) -> str:
    return os.path.commonprefix([a, b])


class Editor:
    """The open documents: their pending and last analyses, and the actions offered on them."""

    def __init__(self, server, delay: float = DELAY):
        from .session import Session

        self.server = server
        self.delay = delay
        self.session = Session()
        self.analyses: dict[str, tuple[int | None, object]] = {}   # uri -> (version, session.Analysis)
        self.pending: dict[str, asyncio.Task] = {}
        self.uris: dict[str, str] = {}    # absolute path -> uri, of the open documents
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaklint-analysis")  # one at a time
        self.document_changes = False   # the client takes versioned edits
        self.watch = False              # the client watches files for the server

    # -- analysing ---------------------------------------------------------------------------
    def changed(self, uri: str, delay: float | None = None) -> None:
        """Analyse `uri` once it has not changed for `delay` seconds; a pending analysis is superseded."""
        self.uris[os.path.abspath(path_of(uri))] = uri
        # (an earlier task is not cancelled: it sees on waking, or after its analysis, that it is not current)
        self.pending[uri] = asyncio.ensure_future(self._analyse(uri, self.delay if delay is None else delay))

    async def _analyse(self, uri: str, delay: float) -> None:
        from lsprotocol import types as t

        await asyncio.sleep(delay)
        if self.pending.get(uri) is not asyncio.current_task():
            return   # changed again while waiting
        document = self.server.workspace.get_text_document(uri)
        version, text = document.version, document.source
        start = time.perf_counter()
        found = await asyncio.get_running_loop().run_in_executor(self.worker, self.session.analyse, path_of(uri), text)
        current = self.pending.get(uri) is asyncio.current_task()
        how = ("project built" if found.rebuilt else "updated") + ("" if current else ", superseded: not published")
        ms = (time.perf_counter() - start) * 1000
        self.server.window_log_message(t.LogMessageParams(t.MessageType.Log, (
            f"leaklint: analysed {path_of(uri).name} version {version} in {ms:.0f} ms ({how}, "
            f"{len(found.findings)} findings)")))
        if not current:
            return   # a later change came, or the document was closed
        del self.pending[uri]
        self.analyses[uri] = (version, found)
        lines = source_lines(text)
        self.server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[diagnostic(f, uri, lines) for f in found.findings]))

    def closed(self, uri: str) -> None:
        from lsprotocol import types as t

        self.pending.pop(uri, None)
        self.analyses.pop(uri, None)
        self.uris.pop(os.path.abspath(path_of(uri)), None)
        self.worker.submit(self.session.forget, path_of(uri))
        self.server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def files_changed(self, paths: list[Path] | None) -> None:
        """Python files changed, came or went on disk (`paths`), or a configuration changed (None):
        the projects holding them read them again, and the documents they touch are analysed again."""
        asyncio.ensure_future(self._files_changed(paths))

    async def _files_changed(self, paths: list[Path] | None) -> None:
        loop = asyncio.get_running_loop()
        if paths is None:
            await loop.run_in_executor(self.worker, self.session.files_changed)
            touched = set(self.uris)
        else:
            touched = set()
            for path in paths:
                touched |= await loop.run_in_executor(self.worker, self.session.file_changed, path)
        for key in touched & set(self.uris):
            self.changed(self.uris[key])

    # -- code actions --------------------------------------------------------------------------
    def current(self, uri: str):
        """The last analysis of `uri` if it is of the text the editor holds now, else None."""
        if uri not in self.analyses:
            return None
        version, found = self.analyses[uri]
        document = self.server.workspace.get_text_document(uri)
        return found if version == document.version and found.source.text == document.source else None

    def actions(self, params) -> list:
        from lsprotocol import types as t

        uri = params.text_document.uri
        found = self.current(uri)
        if found is None:
            return []
        only = params.context.only
        out = []
        if not only or any(t.CodeActionKind.QuickFix.value.startswith(kind) for kind in only):
            lines = source_lines(found.source.text)
            for item in params.context.diagnostics:
                finding = finding_of(found, item, lines)
                if finding is not None:
                    out += self._quick_fixes(uri, found, finding, item, lines)
        if only and any(t.CodeActionKind.SourceFixAll.value.startswith(kind) for kind in only):
            out += self._fix_all(uri, found)   # asked for by name (on save, or "Source Action..."), not at a line
        return out

    def _quick_fixes(self, uri: str, found, finding, item, lines: list[str]) -> list:
        from lsprotocol import types as t

        from .fix import plan

        out = []
        if finding.fixable:
            planned = plan(found.source, [finding], unsafe=True)
            if planned.changed:
                wrapper = "pseudonymize()" if finding.fixable == "unsafe" else "scrub()"
                title = f"Fix {finding.code}: wrap in {wrapper}"
                out.append(t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix, diagnostics=[item],
                                        edit=self._edit(uri, text_edits(found.source.text, planned.new_text)),
                                        is_preferred=finding.fixable == "safe"))
        row = finding.line - 1
        line = lines[row] if row < len(lines) else ""   # (an empty document's own error is on line 1)
        end = t.Position(row, utf16_column(line, len(line)))
        out.append(t.CodeAction(title=f"Suppress {finding.code} on this line", kind=t.CodeActionKind.QuickFix,
                                diagnostics=[item],
                                edit=self._edit(uri, [t.TextEdit(t.Range(end, end), f"  # noqa: {finding.code}")])))
        return out

    def _fix_all(self, uri: str, found) -> list:
        """Every safe fix of the document, as `leaklint check --fix` makes them."""
        from lsprotocol import types as t

        from .fix import plan

        planned = plan(found.source, found.findings, unsafe=False)
        if not planned.changed:
            return []
        return [t.CodeAction(title=f"Fix all leaklint safe fixes ({len(planned.fixed)})",
                             kind=t.CodeActionKind.SourceFixAll,
                             edit=self._edit(uri, text_edits(found.source.text, planned.new_text)))]

    def _edit(self, uri: str, edits: list):
        """A workspace edit of `uri`: for the version analysed when the client can tell (a client then
        refuses it if the document has moved on)."""
        from lsprotocol import types as t

        if not self.document_changes:
            return t.WorkspaceEdit(changes={uri: edits})
        version = self.analyses[uri][0]
        document = t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(text_document=document, edits=edits)])


def finding_of(found, item, lines: list[str]):
    """The finding a diagnostic was made from, if the analysis `found` still has it at the same place."""
    data = item.data
    if item.source != SOURCE or not isinstance(data, dict):
        return None
    for finding in found.findings:
        if (finding.code, finding_key(finding)) == (data.get("code"), data.get("key")) \
                and finding_range(finding, lines) == item.range:
            return finding
    return None


def build_server(delay: float = DELAY):
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("leaklint", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
    editor = Editor(server, delay)

    @server.feature(t.INITIALIZE)
    def initialize(ls, params: t.InitializeParams) -> None:
        workspace = params.capabilities.workspace
        editor.document_changes = bool(workspace and workspace.workspace_edit
                                       and workspace.workspace_edit.document_changes)
        editor.watch = bool(workspace and workspace.did_change_watched_files
                            and workspace.did_change_watched_files.dynamic_registration)

    @server.feature(t.INITIALIZED)
    def initialized(ls, params: t.InitializedParams) -> None:
        if editor.watch:  # files changed by other programs (a checkout, a formatter) and configurations
            watchers = [t.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
            ls.client_register_capability(t.RegistrationParams([t.Registration(
                "leaklint-files", t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                t.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: t.DidOpenTextDocumentParams) -> None:
        editor.changed(params.text_document.uri, delay=0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: t.DidChangeTextDocumentParams) -> None:
        editor.changed(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: t.DidSaveTextDocumentParams) -> None:
        editor.files_changed([path_of(params.text_document.uri)])

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls, params: t.DidChangeWatchedFilesParams) -> None:
        python = all(c.uri.endswith(".py") for c in params.changes)   # else a configuration: read everything again
        editor.files_changed([path_of(c.uri) for c in params.changes] if python else None)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: t.DidCloseTextDocumentParams) -> None:
        editor.closed(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll]))
    def code_action(ls, params: t.CodeActionParams) -> list:
        return editor.actions(params)

    return server


def main() -> int:
    try:
        server = build_server()
    except ImportError:
        import sys

        print("leaklint: error: the language server needs pygls: pip install 'leaklint[lsp]'", file=sys.stderr)
        return 2
    import gc

    gc.enable()  # a long-lived process: the command turned the collector off (see `cli.entry`)
    server.start_io()
    return 0
