"""`leaklint server`: a language server (pygls) publishing findings as diagnostics, with quick fixes.

Install with `pip install leaklint[lsp]`.  Diagnostics are published on open, change and save and
cleared on close; each offers "suppress on this line" and, where there is one, the automatic fix.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from . import __version__
from .suppress import source_lines

SOURCE = "leaklint"


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
    """Findings, source and settings for one open document, checked as `leaklint check` checks it: with its
    project's index and the configuration nearest to it."""
    from .api import check_source
    from .source import Source, printable

    try:
        run = check_source(text, path)
        display = next(iter(run.sources))
        return run.findings, run.sources[display], run.settings[display]
    except Exception as err:  # noqa: BLE001 - shown on the document, not lost in the server's log
        from .config import Settings
        from .rules.unreadable import internal_error

        shown = printable(str(path))
        return [internal_error(shown, err)], Source(shown, text), Settings()


def build_server():
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("leaklint", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Full)
    state: dict[str, tuple] = {}

    def diagnostics(uri: str, text: str) -> list:
        findings, source, settings = analyse(path_of(uri), text)
        state[uri] = (findings, source, settings)
        lines = source_lines(text)
        out = []
        for i, f in enumerate(findings):
            line = lines[f.line - 1] if f.line - 1 < len(lines) else ""
            end_line = lines[f.end_line - 1] if f.end_line and f.end_line - 1 < len(lines) else line
            start = t.Position(f.line - 1, utf16_column(line, f.col - 1))
            end = t.Position((f.end_line or f.line) - 1, utf16_column(end_line, (f.end_col or f.col) - 1))
            out.append(t.Diagnostic(
                range=t.Range(start, end), message=f.message, severity=t.DiagnosticSeverity.Warning,
                code=f.code, source=SOURCE, data={"index": i, "fixable": f.fixable},
                code_description=t.CodeDescription(href=f"https://leaklint.invalid/rules#{f.code.lower()}"),
                related_information=[related_information(r, uri, f.path, lines) for r in f.related] or None))
        return out

    def publish(uri: str, text: str | None) -> None:
        items = [] if text is None else diagnostics(uri, text)
        server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: t.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri, params.text_document.text)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: t.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        publish(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: t.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        publish(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: t.DidCloseTextDocumentParams) -> None:
        state.pop(params.text_document.uri, None)
        publish(params.text_document.uri, None)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls, params: t.CodeActionParams) -> list:
        uri = params.text_document.uri
        if uri not in state:
            return []
        findings, source, _ = state[uri]
        text = ls.workspace.get_text_document(uri).source
        lines = source_lines(text)
        actions = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.data, dict):
                continue
            finding = findings[diagnostic.data["index"]]
            if finding.fixable:
                from .fix import plan

                planned = plan(source, [finding], unsafe=True)
                if planned.changed:
                    whole = t.Range(t.Position(0, 0), t.Position(len(lines) + 1, 0))
                    title = f"Fix {finding.code}: wrap in " + ("pseudonymize()" if finding.fixable == "unsafe" else "scrub()")
                    actions.append(t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                                edit=t.WorkspaceEdit(changes={uri: [t.TextEdit(whole, planned.new_text)]}),
                                                is_preferred=finding.fixable == "safe"))
            line_no = finding.line - 1
            end = t.Position(line_no, utf16_column(lines[line_no], len(lines[line_no])))
            actions.append(t.CodeAction(
                title=f"Suppress {finding.code} on this line", kind=t.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=t.WorkspaceEdit(changes={uri: [t.TextEdit(t.Range(end, end), f"  # noqa: {finding.code}")]})))
        return actions

    return server


def main() -> int:
    try:
        server = build_server()
    except ImportError:
        import sys

        print("leaklint: error: the language server needs pygls: pip install 'leaklint[lsp]'", file=sys.stderr)
        return 2
    server.start_io()
    return 0
