"""Language server latency: from the last keystroke of a burst of typing to the diagnostics for it.

    python benchmarks/lsp_latency.py [--modules 2000] [--bursts 30] [--gap-ms 40] [--keep DIR]

Generates the synthetic project (synthetic.py; into a temporary folder, or `--keep DIR`), starts
`leaklint server` over stdio with pygls's own client, as an editor would, opens a module that leaks and
types into it: each burst writes one statement into a function of that module a character at a time,
`--gap-ms` apart, as incremental changes.  After each burst's last keystroke it waits for the
publishDiagnostics of that version (and checks the leak is still reported).  Prints the time to the
first diagnostics after opening, the median and p95 milliseconds from last keystroke to diagnostics,
and how many analyses the server ran (from its log messages): debouncing makes that about one a burst.
Progress and results go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient
from synthetic import generate


class Typist:
    """The client side: a document typed into, and the diagnostics published for each version."""

    def __init__(self) -> None:
        self.client = LanguageClient("lsp-latency", "1")
        self.arrived: dict[int, tuple[float, int]] = {}   # version -> (when, how many diagnostics)
        self.waiting: dict[int, asyncio.Event] = {}
        self.analyses = 0

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: t.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.arrived[params.version] = (time.perf_counter(), len(params.diagnostics))
                self.waiting.setdefault(params.version, asyncio.Event()).set()

        @self.client.feature(t.WINDOW_LOG_MESSAGE)
        def logged(params: t.LogMessageParams) -> None:
            if "analysed" in params.message:
                self.analyses += 1

    async def start(self, root: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "leaklint", "server", cwd=root)
        await self.client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(),
                                                              root_uri=root.as_uri()))
        self.client.initialized(t.InitializedParams())

    async def diagnostics(self, version: int, timeout: float = 120) -> tuple[float, int]:
        await asyncio.wait_for(self.waiting.setdefault(version, asyncio.Event()).wait(), timeout)
        return self.arrived[version]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def leaking_module(root: Path) -> Path:
    """The first generated module with a leak (the synthetic project marks them "Leak")."""
    return next(p for p in sorted((root / "synth" / "mods").glob("m*.py")) if '"Leak"' in p.read_text())


async def run(root: Path, bursts: int, gap: float) -> dict:
    path = leaking_module(root)
    uri, text = path.as_uri(), path.read_text()
    typist = Typist()
    await typist.start(root)
    opened = time.perf_counter()
    typist.client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "python", 1, text)))
    _, leaks = await typist.diagnostics(1)
    first = time.perf_counter() - opened
    row = text[:text.index("    user = request.user")].count("\n") + 1   # the line after it: inside the function
    version, latencies, before = 1, [], typist.analyses
    for burst in range(bursts):
        for char in f"    value_{burst} = order.total + {burst}\n":
            version += 1
            at = t.Position(row, 0)
            typist.client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(version, uri),
                [t.TextDocumentContentChangePartial(t.Range(at, at), char)]))
            last = time.perf_counter()
            await asyncio.sleep(gap)
        row += 1
        arrived, found = await typist.diagnostics(version)
        if found != leaks:
            raise SystemExit(f"burst {burst}: {found} diagnostics, {leaks} expected")
        latencies.append((arrived - last) * 1000)
        print(f"  burst {burst + 1}/{bursts}: {latencies[-1]:.0f} ms", flush=True)
    analyses = typist.analyses - before
    await typist.stop()
    return {"file": path.relative_to(root).as_posix(), "first_s": first, "latencies": latencies,
            "keystrokes": version - 1, "analyses": analyses}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--bursts", type=int, default=30)
    parser.add_argument("--gap-ms", type=float, default=40, help="between keystrokes of a burst")
    parser.add_argument("--keep", type=Path, help="generate the project here (and keep it) instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leaklint-lsp-") as temporary:
        root = args.keep or Path(temporary)
        made = generate(root, args.modules)
        print(f"project: {made['modules']} modules, {made['sdk_users']} using an SDK, {made['leaks']} leaks", flush=True)
        result = asyncio.run(run(root.resolve(), args.bursts, args.gap_ms / 1000))
    ms = result["latencies"]
    print(f"opened {result['file']}: first diagnostics after {result['first_s']:.2f} s")
    print(f"last keystroke to diagnostics over {len(ms)} bursts ({result['keystrokes']} keystrokes, "
          f"{result['analyses']} analyses): median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
          f"max {max(ms):.0f} ms")


if __name__ == "__main__":
    main()
