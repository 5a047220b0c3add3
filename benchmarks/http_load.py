"""Load on `expert serve`: N concurrent clients posting the bundled examples to /advise.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/http_load.py                 # 2 workers, 32 clients, 20 s per phase
    python benchmarks/http_load.py --duration 5    # shorter

It starts a real server (``expert serve --workers 2 --no-access-log`` on a free loopback
port), checks one answer per profile against the library (httpx), warms it, then runs two
phases with the same 32 clients (asyncio, one keep-alive HTTP/1.1 connection each, in
this process, on the same machine as the server; see ``Client`` for why so bare):

* **saturation** - each client posts its next request as soon as the last one is
  answered (closed loop, no pause).  Gives the server's capacity in requests/s.  The
  latency here is mostly queueing: with 32 requests always outstanding, Little's law
  makes the mean latency 32 / throughput, whatever the server does.
* **paced** - the 32 clients together send ``--rate`` requests/s (default: half the
  capacity just measured), each on its own fixed schedule, as bots with users behind them
  would.  Latency is counted from the moment a request was due, not when it was sent
  (no coordinated omission).  This is the latency a client sees at that load.

For both: requests/s, p50/p99/max in ms (nearest rank), errors (anything but 200, and
transport errors), and the resident set size of each server worker (psutil) after the
warm-up and at the end: flat means no growth beyond noise; and the CPU the workers used
during saturation (below 1 core each: the machine's other processes took the rest).  The machine's load average
is printed: a loaded machine (other processes on the same cores) slows everything.
It reports; it does not gate: exit 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import serving  # noqa: E402  (tests/serving.py: start and stop a real server)

from expert.facts.profile_io import read_profile  # noqa: E402

MIB = 1024 * 1024
TARGET_P99_MS = 25.0


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[max(1, math.ceil(q / 100 * len(sorted_ms))) - 1] if sorted_ms else float("nan")


def workers_rss(server: psutil.Process) -> dict[int, float]:
    """RSS in MiB of each worker process (the children of `expert serve`), by pid."""
    children = server.children(recursive=True)
    workers = [c for c in children if c.name() != "resource_tracker" and "resource_tracker" not in " ".join(c.cmdline())]
    return {c.pid: c.memory_info().rss / MIB for c in workers}


class Client:
    """One keep-alive HTTP/1.1 connection that posts pre-encoded requests.

    Deliberately bare (asyncio streams, no HTTP library): on a shared 2-core machine the
    load generator competes with the server for the cores, and httpx's AsyncClient was
    measured spending ~10 ms of CPU per request here, which made it the bottleneck.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        return status, await self.reader.readexactly(length)


def encode(path: str, body: dict) -> bytes:
    payload = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nhost: load\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\n\r\n").encode() + payload


async def run_phase(base: str, requests: list[bytes], clients: int, seconds: float, rate: float = 0.0) -> dict:
    """``clients`` connections for ``seconds``; closed loop when ``rate`` is 0, else paced to ``rate``/s in all."""
    host, port = base.rsplit("/", 1)[-1].split(":")
    latencies: list[float] = []
    errors: dict[str, int] = {}
    start = time.perf_counter()
    stop = start + seconds

    async def one(index: int) -> None:
        client = Client(*await asyncio.open_connection(host, int(port)))
        interval = clients / rate if rate else 0.0
        due = start + (index / clients) * interval
        k = index
        try:
            while True:
                if rate and due > time.perf_counter():
                    await asyncio.sleep(due - time.perf_counter())
                if time.perf_counter() >= stop:
                    return
                sent = due if rate else time.perf_counter()
                try:
                    status, _ = await client.post(requests[k % len(requests)])
                    if status != 200:
                        errors[str(status)] = errors.get(str(status), 0) + 1
                except (OSError, asyncio.IncompleteReadError) as error:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                    client = Client(*await asyncio.open_connection(host, int(port)))
                latencies.append((time.perf_counter() - sent) * 1000)
                k += clients
                due += interval
        finally:
            client.writer.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return dict(n=len(ordered), per_s=len(ordered) / elapsed, p50=percentile(ordered, 50), p99=percentile(ordered, 99),
                max=ordered[-1] if ordered else float("nan"), errors=errors)


def same_as_library(base: str, bodies: list[dict]) -> bool:
    """One request per profile through httpx: the answer is the library's (the load only counts statuses)."""
    from expert import advise

    return all(httpx.post(f"{base}/advise", json=body, timeout=30).json() == json.loads(advise(body["profile"]).model_dump_json())
               for body in bodies)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def show(name: str, result: dict) -> None:
    errors = sum(result["errors"].values())
    detail = f" {result['errors']}" if errors else ""
    print(f"  {name:<11} {result['n']:>7,} requests  {result['per_s']:7.1f} /s  p50 {result['p50']:7.2f} ms  "
          f"p99 {result['p99']:7.2f} ms  max {result['max']:7.1f} ms  errors {errors}{detail}")


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds per phase.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Seconds of load before measuring.")
    parser.add_argument("--rate", type=float, default=0.0, help="Requests/s of the paced phase (0: half the capacity).")
    args = parser.parse_args()

    bodies = [{"profile": read_profile(str(p))} for p in sorted((ROOT / "examples").glob("*.yaml"))]
    requests = [encode("/advise", body) for body in bodies]
    print(f"expert serve --workers {args.workers}: {args.clients} clients, {len(bodies)} example profiles to /advise, "
          f"{args.duration:g} s per phase; {os.cpu_count()} cores, load average before: {loadavg()}")
    with serving.expert_server("--workers", str(args.workers), "--no-access-log") as (base, process):
        server = psutil.Process(process.pid)
        correct = same_as_library(base, bodies)
        asyncio.run(run_phase(base, requests, args.clients, args.warmup))
        rss_start = workers_rss(server)
        workers = [psutil.Process(pid) for pid in rss_start]
        cpu_before, wall_before = cpu_seconds(workers), time.perf_counter()
        saturation = asyncio.run(run_phase(base, requests, args.clients, args.duration))
        saturation["cpu"] = (cpu_seconds(workers) - cpu_before) / (time.perf_counter() - wall_before)
        rate = args.rate or saturation["per_s"] / 2
        paced = asyncio.run(run_phase(base, requests, args.clients, args.duration, rate))
        rss_end = workers_rss(server)
    print(f"load average after: {loadavg()}")
    show("saturation", saturation)
    show(f"paced {rate:.0f}/s", paced)
    print(f"  answers equal the library's: {'yes' if correct else 'NO'}; the workers used {saturation['cpu']:.2f} "
          f"of the {os.cpu_count()} cores during saturation ({1000 * saturation['cpu'] / saturation['per_s']:.1f} ms "
          "of CPU per request)")
    for pid, before in sorted(rss_start.items()):
        after = rss_end.get(pid, float("nan"))
        print(f"  worker {pid}: RSS {before:6.1f} MiB after warm-up, {after:6.1f} MiB at the end ({after - before:+.1f})")
    errors = sum(saturation["errors"].values()) + sum(paced["errors"].values())
    print(f"target: 0 errors ({'met' if not errors else 'NOT met'}); p99 < {TARGET_P99_MS:g} ms: "
          f"saturation {'met' if saturation['p99'] < TARGET_P99_MS else 'not met'} "
          f"(closed loop: latency ~ {args.clients} / throughput = {1000 * args.clients / saturation['per_s']:.0f} ms), "
          f"paced {'met' if paced['p99'] < TARGET_P99_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
