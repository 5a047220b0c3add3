"""Reading and writing files so that nothing hangs and nothing is lost.

Shared by everything that reads a user's or an author's file (profiles, knowledge) and
everything that writes one (a consultation's saved profile): a FIFO, a device or a
symlink to ``/dev/zero`` is refused before a byte is read (a FIFO would block forever, a
device would never end), reading stops at a size cap, and a file is replaced only by
renaming a complete, fsynced copy over it, so a full disk or a crash leaves the old file
whole.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Union


class UnsafeFileError(OSError):
    """The file cannot be read safely (not a regular file, too large) or could not be written;
    ``zh`` says why in Chinese."""

    def __init__(self, en: str, zh: str = "") -> None:
        super().__init__(en)
        self.zh = zh or en


def read_regular_file(path: Union[str, Path], limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever)
    and checked on the open descriptor, so a file swapped for a device in between is
    still refused.  Raises ``UnsafeFileError`` with a reason, or ``OSError`` from the system.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError(f"{path}: not a regular file", f"{path}：不是普通文件")
        if info.st_size > limit:
            raise UnsafeFileError(f"{path}: the file is {info.st_size:,} bytes; at most {limit:,} are accepted",
                                  f"{path}：文件有 {info.st_size:,} 字节，最多接受 {limit:,} 字节")
        chunks, size = [], 0
        while size <= limit:  # the size can change after fstat: read at most limit + 1 bytes
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:
        raise UnsafeFileError(f"{path}: more than {limit:,} bytes; at most {limit:,} are accepted",
                              f"{path}：超过 {limit:,} 字节，最多接受 {limit:,} 字节")
    return b"".join(chunks)


def atomic_write_text(path: Union[str, Path], text: str, overwrite: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8) all at once, or not at all.

    Writes a temporary file in the same directory, fsyncs it, renames it over ``path`` and
    fsyncs the directory.  On any error the temporary file is removed, the old file (if
    any) is untouched, and ``OSError`` is raised.  An existing file keeps its permissions.
    With ``overwrite=False`` the complete file is linked into place instead, which fails
    with ``FileExistsError`` if anything (a file, a link, a directory) took the name, even
    a moment before: a user's file is never replaced.
    """
    target = Path(path)
    directory = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        if overwrite:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    try:
        directory_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # the rename is done; a directory we cannot open cannot be fsynced
    try:
        os.fsync(directory_fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename stands
    finally:
        os.close(directory_fd)


def _link_new(temporary: str, target: Path) -> None:
    """Give ``temporary`` the name ``target`` only if no file has it (a hard link refuses an
    existing name atomically); where links are not supported, check and rename."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


@contextlib.contextmanager
def guard_output() -> Iterator[None]:
    """Run a command so that output it cannot write is reported, not lost or a traceback.

    Standard output closed before the start (``>&-``) is refused at once: what a command
    prints would otherwise vanish while it exits 0.  A write or the final flush failing (a
    full disk, ``> /dev/full``) prints one line on stderr and exits 1; a reader that went
    away (``| head``) ends the command quietly with status 1, as click does.  Stdout is then
    pointed at /dev/null so the interpreter's own last flush cannot print a traceback.
    """
    if sys.stdout is None:
        _error_line("standard output is closed; nothing could be shown")
        sys.exit(1)
    try:
        try:
            yield
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(1)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        _silence_stdout()
        _error_line(f"cannot write the output: {error.strerror or error}")
        sys.exit(1)


_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, errno.EPIPE, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _error_line(message: str) -> None:
    if sys.stderr is not None:
        try:
            sys.stderr.write(f"error: {message}\n")
            sys.stderr.flush()
        except OSError:
            pass
