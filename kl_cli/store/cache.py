"""The cache of validated user knowledge bases: trusted only when the user owns it. Stdlib only.

The cache lives in `$XDG_CACHE_HOME/kl/` (default `~/.cache/kl/`). Like ssh, git and pip, kl
uses it only when `kl/` is a real directory (not a symbolic link) owned by the effective user
and writable by no one else, and reads only entries that are regular files the user owns and
no one else can write; otherwise it runs uncached, silently (`KL_DEBUG=1` says why on stderr).

Every operation on entries is relative to a descriptor of the checked `kl/` directory, so what
was checked is what is read and written: renaming or replacing the path afterwards cannot
redirect anything. That is why nothing is required of the directory holding `kl/`: it may be a
symbolic link or shared, and the worst another user can do there is make kl run uncached.

Entries are written 0600 through their descriptor and renamed into place atomically; an entry
over the read limit is never written. An entry is only a hint: whatever fails while reading or
parsing it is a cache miss, and the caller rebuilds and replaces it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Mapping
from typing import TypeVar

from kl_cli.store.files import read_bounded

T = TypeVar("T")

DIR_NAME = "kl"
# The largest entry kl reads, and so the largest it writes: a bigger one is rebuilt each time
# rather than rewritten each time (NFKD can make a search index ten times its file's size).
MAX_ENTRY_BYTES = 16 * 1024 * 1024
TMP_PREFIX = ".tmp-"
# A temporary file this old was left by a kl that was killed while writing it.
STALE_TMP_SECONDS = 3600

# Never follow a symbolic link, never block on a FIFO, never leak into a child process.
_SAFE = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _SAFE
_READ_FLAGS = os.O_RDONLY | _SAFE
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _SAFE  # O_EXCL: never an existing file


def key(raw: bytes, salt: str) -> str:
    """The cache key of some content: its BLAKE2b digest and `salt` (kl's version)."""
    try:  # the interpreter's own BLAKE2: importing hashlib would load OpenSSL (3 ms, 3.5 MiB)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - every CPython we support has it
        from hashlib import blake2b
    return blake2b(raw, digest_size=32).hexdigest() + "-" + salt


Report = Callable[[str], None]  # where the cache says why it is not used (KL_DEBUG=1)


def _silent(message: str) -> None:
    pass


class _Untrusted(Exception):
    """The cache directory is not the user's alone: run uncached (the message says why)."""


def location(environ: Mapping[str, str], debug: Report = _silent) -> str | None:
    """The cache's parent directory (XDG_CACHE_HOME or ~/.cache), or None: no cache."""
    if environ.get("KL_NO_CACHE", "") not in ("", "0"):
        debug("cache not used: KL_NO_CACHE is set")
        return None
    if not hasattr(os, "geteuid") or not {os.open, os.mkdir, os.rename} <= os.supports_dir_fd:
        return None  # pragma: no cover - no owner to check, or no *at() calls to pin it with
    base = environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):  # the XDG spec says relative values are ignored
        return base
    home = environ.get("HOME")
    if home is None:  # no HOME at all: the password database's home directory
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            debug("cache not used: no HOME and no home directory in the password database")
            return None
    if not os.path.isabs(home):
        debug(f"cache not used: HOME is {'relative' if home else 'empty'}")
        return None
    return os.path.join(home, ".cache")


def _check(st: os.stat_result, what: str) -> None:
    """Refuse anything that is not the effective user's alone to write."""
    euid = os.geteuid()
    if st.st_uid != euid:
        raise _Untrusted(f"{what} is owned by uid {st.st_uid}, not {euid}")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _Untrusted(f"{what} is writable by group or others (mode {st.st_mode & 0o777:o})")


class Cache:
    """The user's cache for one call: the directory is checked once, entries on each read.

    Without a base (the cache is turned off, or there is no usable HOME) nothing is read or
    written. When the directory turns out not to be trusted, the cache is off for the rest of
    the call and KL_DEBUG=1 says why, once.
    """

    def __init__(self, base: str | None, debug: Report = _silent):
        self.base = base or ""
        self.path = os.path.join(self.base, DIR_NAME)
        self._off = base is None
        self._debug = debug

    @classmethod
    def for_user(cls, environ: Mapping[str, str] | None = None, debug: Report = _silent) -> Cache:
        """The cache kl should use (off when turned off, or without a usable HOME), as the
        environment given says (the process's own by default); `debug` hears why it is not."""
        return cls(location(os.environ if environ is None else environ, debug), debug)

    def _off_because(self, reason: str) -> None:
        if not self._off:
            self._off = True
            self._debug(f"cache not used: {reason}")

    def _open_dir(self, create: bool) -> int | None:
        """A descriptor of the checked kl/ directory; None if it is missing (and not created)
        or untrusted (and then the cache is off)."""
        if self._off:
            return None
        try:
            return self._open_checked(create)
        except FileNotFoundError:
            if create:
                self._off_because(f"cannot create {self.path}: no such directory")
            return None
        except _Untrusted as e:
            self._off_because(str(e))
        except OSError as e:
            self._off_because(f"{self.path}: {os.strerror(e.errno) if e.errno else e}")
        return None

    def _open_checked(self, create: bool) -> int:
        created = False
        if create:
            created = self._create()
        st = os.lstat(self.path)  # raises FileNotFoundError: nothing cached yet
        if stat.S_ISLNK(st.st_mode):
            raise _Untrusted(f"{self.path} is a symbolic link")
        if not stat.S_ISDIR(st.st_mode):
            raise _Untrusted(f"{self.path} is not a directory")
        _check(st, self.path)
        fd = os.open(self.path, _DIR_FLAGS)
        try:
            pinned = os.fstat(fd)
            if (pinned.st_dev, pinned.st_ino) != (st.st_dev, st.st_ino):
                raise _Untrusted(f"{self.path} changed while it was checked")
            if created and stat.S_IMODE(pinned.st_mode) != 0o700:
                os.fchmod(fd, 0o700)  # whatever the umask left: the XDG spec's mode exactly
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _create(self) -> bool:
        """Create the cache directory (and its parent, not further up) with mode 0700, as the
        XDG spec asks; True if kl/ was created now."""
        try:
            os.mkdir(self.base, 0o700)
        except FileExistsError:
            pass
        try:
            os.mkdir(self.path, 0o700)
        except FileExistsError:
            return False
        return True

    def get(self, name: str, parse: Callable[[str], T]) -> T | None:
        """Entry `name` parsed by `parse`, or None: missing, untrusted, unreadable or unusable.

        Whatever `parse` raises is a miss: an entry is a hint, and the caller rebuilds it.
        """
        fd = self._open_dir(create=False)
        if fd is None:
            return None
        try:
            text = _read_entry(fd, name, self._debug)
        finally:
            os.close(fd)
        if text is None:
            return None
        try:
            return parse(text)
        except Exception as e:  # noqa: BLE001 - any failure of cached data is a miss
            self._debug(f"cache entry {name} ignored: {type(e).__name__}: {str(e)[:200]}")
            return None

    def put(self, name: str, text: str) -> None:
        """Write entry `name` atomically, 0600; silently nothing when it cannot be written."""
        try:
            data = text.encode("utf-8")
        except UnicodeError:
            return
        if len(data) > MAX_ENTRY_BYTES:
            self._debug(f"cache entry {name} not written: {len(data)} bytes is over the limit")
            return
        fd = self._open_dir(create=True)
        if fd is None:
            return
        try:
            _sweep(fd)
            _write_entry(fd, name, data)
        except OSError as e:  # full, read-only, raced: run without the cache
            reason = os.strerror(e.errno) if e.errno else e
            self._debug(f"cache entry {name} not written: {reason}")
        finally:
            os.close(fd)


def _read_entry(dir_fd: int, name: str, debug: Report) -> str | None:
    """The text of an entry the user owns and no one else can write, bounded; else None.

    Not following symbolic links and not blocking: a link, FIFO or device planted there is
    skipped like any other unusable entry.
    """
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except OSError as e:
        if e.errno != errno.ENOENT:
            debug(f"cache entry {name} ignored: {os.strerror(e.errno) if e.errno else e}")
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Untrusted("not a regular file")
        _check(st, "it")
        if st.st_size > MAX_ENTRY_BYTES:
            raise _Untrusted(f"{st.st_size} bytes is over the limit")
        if st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
            try:
                os.fchmod(fd, 0o600)  # written by an older kl: private from now on
            except OSError:  # a read-only file system: readable as it is
                pass
        raw = read_bounded(lambda n: os.read(fd, n), MAX_ENTRY_BYTES, 1 << 22)
        if len(raw) > MAX_ENTRY_BYTES:
            raise _Untrusted("grew over the limit while read")
        return raw.decode("utf-8")
    except (_Untrusted, OSError, UnicodeDecodeError) as e:
        debug(f"cache entry {name} ignored: {e}")
        return None
    finally:
        os.close(fd)


def _write_entry(dir_fd: int, name: str, data: bytes) -> None:
    tmp = f"{TMP_PREFIX}{os.urandom(8).hex()}.json"
    fd = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=dir_fd)
    try:
        try:
            os.fchmod(fd, 0o600)  # exactly, whatever the umask: the descriptor, never the path
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except OSError:
            pass
        raise


def _sweep(dir_fd: int) -> None:
    """Remove temporary files that a killed kl left behind more than an hour ago."""
    import time

    cutoff = time.time() - STALE_TMP_SECONDS
    with os.scandir(dir_fd) as entries:
        for entry in entries:
            if not entry.name.startswith(TMP_PREFIX):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISDIR(st.st_mode) and st.st_mtime < cutoff:
                    os.unlink(entry.name, dir_fd=dir_fd)
            except OSError:
                continue
