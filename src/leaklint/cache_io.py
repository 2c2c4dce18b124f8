"""Cache files that the checked tree cannot turn against the run (standard library only).

The cache folder sits inside the project, so a pull request can commit anything there.  Hence:
- every file is signed with HMAC-SHA256 under a per-user key kept outside the project
  (`$XDG_CACHE_HOME/leaklint/key`, else `~/.cache/leaklint/key`, mode 0600); a file whose signature does
  not verify is ignored, and nothing is decoded before it verifies;
- what is signed is plain data (`marshal` of dicts, lists, strings, numbers), never code or pickles;
- nothing is written through a symlink: the folders are checked with `lstat`, files are created with
  `O_EXCL | O_NOFOLLOW`, and a cache folder that is a symlink means "run without a cache".
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import marshal
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from . import __version__

MAGIC = b"leaklint-cache 1 "   # then the signature (64 hex digits), a newline and the data
MAX_BYTES = 512 * 1024 * 1024   # a larger "cache file" is not ours
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not hang the run
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by leaklint.\n"


def key_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "leaklint"


def user_key() -> bytes | None:
    """This user's signing key, created on first use; None when it cannot be had safely (no cache then)."""
    return _key_in(key_folder())


@functools.lru_cache(maxsize=4)
def _key_in(folder: Path) -> bytes | None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _read_key(folder / "key") or _create_key(folder)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | NONBLOCK)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or not _own(info):
            raise OSError("the leaklint key is not a private file of this user")
        key = handle.read(65)
    if len(key) != 64:
        raise OSError("the leaklint key is damaged")
    return key


def _create_key(folder: Path) -> bytes | None:
    """Written whole to a temporary file, then linked into place: concurrent first runs agree on one key."""
    temp = folder / f"key.{_token(8)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_token(32).encode())
        try:
            os.link(temp, folder / "key")
        except FileExistsError:
            pass  # another run made it first: use that one
    finally:
        os.unlink(temp)
    return _read_key(folder / "key")


def _own(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """leaklint's version and the content of its own code and data files (rules, catalogue, PII
    vocabulary): a cache made by other code is never used.  About 3 ms, once per process."""
    from importlib.util import find_spec

    digest = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0{marshal.version}".encode())
    # The PII vocabulary lives in the runtime scrubber's package, found without running it.
    runtime = find_spec("leaklint_scrub")
    for package in (Path(__file__).parent, Path(runtime.origin).parent if runtime and runtime.origin else None):
        for path in _code_files(package, (".py", ".toml")) if package is not None else ():
            with open(path, "rb") as handle:
                digest.update(f"{package.name}/{os.path.relpath(path, package)}\0".encode() + handle.read() + b"\0")
    return digest.hexdigest()[:16]


def package_digest(name: str) -> str | None:
    """An installed package's own code (its files' names, sizes and times), found without importing it;
    None when it is not installed as a folder."""
    from importlib.util import find_spec

    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    top = spec.submodule_search_locations[0]
    digest = hashlib.sha256(f"{sys.version_info[:2]}\0{top}".encode())
    for path in _code_files(top, (".py",)):
        info = os.stat(path)
        digest.update(f"{os.path.relpath(path, top)} {info.st_size} {info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def _code_files(package: str | Path, suffixes: tuple[str, ...]) -> Iterator[str]:
    """A package's files with these suffixes, in a stable order (`__pycache__` left out)."""
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(suffixes)):
            yield os.path.join(folder, name)


def read_user_table(name: str) -> object | None:
    """What `write_user_table` kept under `name`, if this user's key signed it."""
    key = user_key()
    return read(key_folder() / "tables" / name, key) if key is not None else None


def write_user_table(name: str, data: object) -> bool:
    """Keep `data` between runs and projects, in the user's leaklint folder beside the key, signed."""
    key = user_key()
    return key is not None and write(key_folder() / "tables", name, data, key)


def usable(directory: Path) -> bool:
    """A cache folder that is missing, or a real folder of this user (not a symlink, not a file)."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _own(info)


def read(path: Path, key: bytes) -> object | None:
    """The data in a signed cache file; None when it is missing, not a regular file, or not signed by `key`."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            data = handle.read(MAX_BYTES + 1)
        start = len(MAGIC) + 65
        body = memoryview(data)[start:]  # megabytes: signed and decoded where they are, not copied
        if not data.startswith(MAGIC) or data[start - 1:start] != b"\n" or \
                not hmac.compare_digest(data[len(MAGIC):start - 1], _sign(key, path.name, body)):
            return None
        return marshal.loads(body)  # only bytes this user's leaklint wrote get here
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write(directory: Path, relative: str, data: object, key: bytes) -> bool:
    """Sign and write `data` at `directory/relative` (one folder level at most) through a temporary file
    and a rename, creating the folders (and the cache's tag and .gitignore) only where nothing is;
    False when a symlink or a foreign file is in the way, or the tree is read-only."""
    try:
        body = marshal.dumps(data)
        subfolder, _, name = relative.rpartition("/")
        if not _make_folder(directory, tag=True) or (subfolder and not _make_folder(directory / subfolder)):
            return False
        target = directory / relative
        temp = target.with_name(f".{name}.{_token(8)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + _sign(key, name, body) + b"\n" + body)
            os.replace(temp, target)  # replaces a symlink itself, never what it points to
        except BaseException:
            os.unlink(temp)
            raise
        return True
    except (OSError, ValueError):
        return False


def _token(size: int) -> str:
    """`size` random bytes as hex (what `secrets.token_hex` gives, without importing it at each start)."""
    return os.urandom(size).hex()


def _sign(key: bytes, name: str, body: bytes | memoryview) -> bytes:
    """Bound to the file's name, so that a signed file cannot stand in for another one."""
    signature = hmac.new(key, name.encode() + b"\0", hashlib.sha256)
    signature.update(body)
    return signature.hexdigest().encode()


def _make_folder(folder: Path, tag: bool = False) -> bool:
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    if not usable(folder) or not os.path.isdir(folder):
        return False
    if tag:
        _create(folder / "CACHEDIR.TAG", CACHEDIR_TAG)
        _create(folder / ".gitignore", "*\n")
    return True


def _create(path: Path, text: str) -> None:
    """A new file, never one that is there already (a symlink included, even a dangling one)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o644)
    except OSError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
