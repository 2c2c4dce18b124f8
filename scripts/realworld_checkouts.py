"""Lay out the checkouts `realworld_accuracy.py` reads, from git directories already on disk.

    python scripts/realworld_checkouts.py MANIFEST GITDIRS CHECKOUTS

MANIFEST is a labelled corpus (a JSON list of entries with `repo` and `commit`).  GITDIRS holds one
clone per repository, found as `owner+name` (or `owner+name.git`), either bare or with a `.git` inside,
directly or one folder down (`owner+name/repo`).  For each (repo, commit) in the manifest the files
at that commit are written to `CHECKOUTS/owner+name@commit[:10]` (read with `git ls-tree` and
`git cat-file`, so the clones are never changed).  Checkouts that already exist are left alone.
Nothing here fetches anything: clone the repositories first, e.g.
`git clone --bare https://github.com/owner/name GITDIRS/owner+name`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path


def git_dir(gitdirs: Path, repo: str) -> Path | None:
    """The git directory holding `repo` under `gitdirs`, or None."""
    name = repo.replace("/", "+")
    for folder in (gitdirs / name, gitdirs / f"{name}.git", gitdirs / name / "repo"):
        for candidate in (folder / ".git", folder):
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                return candidate
    return None


def tree(git: Path, commit: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of every file in `commit`."""
    listing = subprocess.run(["git", "--git-dir", str(git), "ls-tree", "-r", "-z", "--full-tree", commit],
                             capture_output=True, check=False)
    if listing.returncode != 0:
        raise RuntimeError(listing.stderr.decode(errors="replace").strip())
    entries = []
    for record in listing.stdout.decode(errors="surrogateescape").split("\0"):
        if record:
            meta, path = record.split("\t", 1)
            mode, kind, oid = meta.split()
            if kind == "blob":
                entries.append((mode, oid, path))
    return entries


def write_file(root: Path, path: str, mode: str, data: bytes) -> None:
    """Write one blob under `root`; symbolic links only when they stay inside it."""
    dest = root / path
    if ".." in Path(path).parts:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":
        link = data.decode(errors="replace")
        if not link.startswith("/") and (dest.parent / link).resolve().is_relative_to(root.resolve()):
            dest.symlink_to(link)
        return
    dest.write_bytes(data)
    if mode == "100755":
        dest.chmod(0o755)


def export(git: Path, commit: str, target: Path) -> int:
    """Write the files of `commit` to `target` (a new folder); returns how many blobs the clone lacks.

    Partial clones and size-capped mirrors lack some blobs (large data files, LFS): those are skipped,
    not fatal.  The files go to a `.partial` folder first, renamed when complete.
    """
    entries = tree(git, commit)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    lacking = 0
    with subprocess.Popen(["git", "--git-dir", str(git), "cat-file", "--batch"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as batch:
        for mode, oid, path in entries:
            batch.stdin.write(oid.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if header[-1] == b"missing":
                lacking += 1
                continue
            data = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)
            write_file(partial, path, mode, data)
        batch.stdin.close()
    partial.rename(target)
    return lacking


def read_pins(manifest: Path) -> list[tuple[str, str]]:
    """The distinct (repo, commit) pairs of a manifest, sorted; ValueError when it is not one."""
    cases = json.loads(manifest.read_text())
    if not isinstance(cases, list):
        raise ValueError("not a JSON list of entries")
    pins = set()
    for number, case in enumerate(cases, 1):
        repo, commit = (case.get("repo"), case.get("commit")) if isinstance(case, dict) else (None, None)
        if not isinstance(repo, str) or repo.count("/") != 1 or not isinstance(commit, str) or len(commit) < 10:
            raise ValueError(f"entry {number} needs a 'repo' (owner/name) and a 'commit'")
        pins.add((repo, commit))
    return sorted(pins)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("gitdirs", type=Path)
    parser.add_argument("checkouts", type=Path)
    args = parser.parse_args()
    try:
        pins = read_pins(args.manifest)
    except (OSError, ValueError) as err:
        print(f"error: {args.manifest}: {err}", file=sys.stderr)
        return 2
    failed = 0
    for repo, commit in pins:
        target = args.checkouts / f"{repo.replace('/', '+')}@{commit[:10]}"
        if target.is_dir():
            print(f"present   {target.name}")
            continue
        git = git_dir(args.gitdirs, repo)
        if git is None:
            print(f"missing   {repo}: no git directory under {args.gitdirs}", file=sys.stderr)
            failed += 1
            continue
        try:
            lacking = export(git, commit, target)
        except (RuntimeError, OSError) as err:
            print(f"failed    {repo}@{commit[:10]}: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"written   {target.name}" + (f" ({lacking} files absent from the clone)" if lacking else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
