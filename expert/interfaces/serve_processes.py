"""Run N uvicorn server processes on one port, each with its own listening socket (SO_REUSEPORT).

Why not uvicorn's own ``--workers``: its processes share one listening socket, and the
first process to wake accepts every connection waiting (asyncio accepts in a loop).
Clients that keep their connections open (bots, load balancers, connection pools) then
all land on one process, and one process is one engine: measured with 32 keep-alive
clients, one worker did all the work while the other idled.  With a socket per process
bound with SO_REUSEPORT, the kernel spreads new connections across the processes.

Where SO_REUSEPORT does not spread connections (only Linux does), ``expert serve`` falls
back to uvicorn's shared socket.  The parent binds every socket first (so a busy port is
an error in words, at once), starts the processes, restarts one that dies, and on
SIGTERM or SIGINT stops them all (uvicorn's graceful shutdown in each).
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

QUICK_DEATH_S = 5.0  # a process that dies sooner after starting than this counts as failing to start
MAX_QUICK_DEATHS = 3


def spreads_connections() -> bool:
    """Whether SO_REUSEPORT sockets share a port with the kernel balancing connections (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on host:port, all with SO_REUSEPORT; raises OSError (port taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]  # port 0: the others join the one the kernel chose
            sock.listen(2048)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _serve_one(config_kwargs: dict, sock: socket.socket) -> None:
    """One server process: uvicorn on its own socket (runs in the spawned child)."""
    import uvicorn

    config = uvicorn.Config(**config_kwargs)
    config.configure_logging()
    uvicorn.Server(config).run(sockets=[sock])


def supervise(config_kwargs: dict, sockets: list[socket.socket]) -> int:
    """Run one server process per socket until SIGTERM/SIGINT; restart any that dies. Exit status."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start(sock: socket.socket) -> Any:
        process = context.Process(target=_serve_one, args=(config_kwargs, sock), daemon=False)
        process.start()
        process.started_at = time.monotonic()
        return process

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [start(sock) for sock in sockets]
    quick_deaths = 0
    status = 0
    while not stopping:
        time.sleep(0.2)
        for index, process in enumerate(processes):
            if process.is_alive() or stopping:
                continue
            quick_deaths = quick_deaths + 1 if time.monotonic() - process.started_at < QUICK_DEATH_S else 0
            if quick_deaths >= MAX_QUICK_DEATHS:
                print(f"error: server processes keep dying at start (last exit status {process.exitcode}); stopping",
                      file=sys.stderr)
                stopping, status = True, 1
                break
            print(f"server process {process.pid} exited with {process.exitcode}; starting another", file=sys.stderr)
            processes[index] = start(sockets[index])
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
    return status
