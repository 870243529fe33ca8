"""Child processes of the suite: servers in their own process group (stopped with the
whole group), commands timed with their peak memory, free ports, and peak RSS of trees."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def log(message: str) -> None:
    """Progress on stderr, with the wall clock."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def peak_rss_kb(pids: Sequence[int]) -> int:
    """VmHWM (peak resident set) summed over live processes, in KiB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return total


@dataclass
class Server:
    """A running server process group."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_kb(self) -> int:
        """Peak RSS summed over the server's processes (master and workers)."""
        return peak_rss_kb(descendants(self.process.pid))

    def log_tail(self, chars: int = 600) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


def wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Wait until ``url`` answers 200, or fail when the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode} before answering {url}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(url, timeout=5) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {timeout_s:.0f} s")


def stop_group(process: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    """SIGTERM the process group of ``process``, SIGKILL it if it lingers."""
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # orphaned workers, if any
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(grace_s)


@contextlib.contextmanager
def server(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    ready_path: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log_dir: Path,
    timeout_s: float = 90,
) -> Iterator[Server]:
    """Start ``command`` in a new process group, wait until ``ready_path`` answers, yield
    it, and stop the whole group afterwards (also on errors)."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    running = Server(name, process, port, log_path)
    try:
        try:
            wait_http(running.base + ready_path, process, timeout_s)
        except RuntimeError as error:
            raise RuntimeError(f"{name}: {error}; log: {running.log_tail()}") from None
        yield running
    finally:
        stop_group(process)


@dataclass(frozen=True)
class Timed:
    """A finished command: wall time, peak RSS of the child, output."""

    seconds: float
    max_rss_kb: int
    stdout: str
    stderr: str


def timed_command(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float = 1200,
) -> Timed:
    """Run ``command`` under /usr/bin/time: wall time and the child's max RSS; raise with
    its error output when it fails, TimeoutError (its group stopped) past ``timeout_s``."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", report.name, *command]
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            stop_group(process, grace_s=5)
            raise TimeoutError(f"> {timeout_s:.0f} s cap") from None
        finally:
            if process.poll() is None:
                stop_group(process, grace_s=5)
        seconds = time.perf_counter() - started
        lines = [line for line in Path(report.name).read_text().splitlines() if line.strip()]
        done = subprocess.CompletedProcess(wrapped, process.returncode, stdout, stderr)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise RuntimeError(f"{Path(command[0]).name} exited with {done.returncode}: {tail}")
    return Timed(seconds, int(lines[-1]), done.stdout, done.stderr)
