"""Web load benchmark: N concurrent users (default 20) for D seconds (default 60) against `ipexpath serve` on
loopback, mixing page views and assessments; prints p50/p95/max latency per kind, errors and the machine load.

    .venv/bin/python benchmarks/bench_web_load.py                      # 20 users, 60 s, the default workers
    .venv/bin/python benchmarks/bench_web_load.py --users 5 --seconds 10   # a quick look

The server is started as a user starts it (first start on a new embedded database: the synthetic cohort and
the fictional example family with its saved pedigree). Each simulated user signs in once (a session, as the
browser does), then loops: with probability --assess-share it runs an assessment through the API (the example
patient: HPO terms, free text, sex and age; the saved family is included, so it ranks, counsels and renders
the report and leaflet), otherwise it opens one page (patient list, a synthetic patient, the example
patient's family editor with its pedigree drawing and risks, the stored assessment, the registry analysis),
then waits a few seconds as a person reading the page would (--think, uniform 1-3 s by default).
Before the load, one user alone opens every page and runs an assessment --solo times (latency without
queueing). Targets (issue 16): p95 page view < 300 ms, p95 assessment < 2 s, zero errors. Loopback only;
nothing is sent anywhere else.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PASSWORD = "load test password, not a secret 42"
CASE = {
    "hpo": ["HP:0002721", "HP:0000964"],
    "text": "Boy aged 3 months with intractable watery diarrhea, eczema and type 1 diabetes. No fever.",
    "sex": "male",
    "age": "P3M",
}


@dataclass
class Tally:
    """Latencies (seconds) per kind of request, and the errors seen."""

    times: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "assessment": []})
    by_url: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, url: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.by_url.setdefault(re.sub(r"\d+", "N", url), []).append(seconds)
            if error:
                self.errors.append(error)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ipexpath.cli", *args], input=stdin, capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


def _sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    form = client.get("/signin/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    signed = client.post(
        "/signin/",
        data={"username": "loaduser", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": base + "/signin/"},
    )
    assert signed.status_code == 302, signed.status_code
    client.headers["X-CSRFToken"] = client.cookies.get("ipexpath_csrf") or ""
    client.headers["Referer"] = base + "/"
    return client


def _user(
    client: httpx.Client,
    pages: list[str],
    share: float,
    go: threading.Event,
    until: list[float],
    tally: Tally,
    seed: int,
    think: tuple[float, float],
) -> None:
    rng = random.Random(seed)
    go.wait()
    while time.perf_counter() < until[0]:
        if rng.random() < share:
            kind, url, expected = "assessment", "/api/patients/EXAMPLE-FAMILY-1/assessments", 201
        else:
            kind, url, expected = "page", rng.choice(pages), 200
        start = time.perf_counter()
        try:
            response = client.post(url, json=CASE) if kind == "assessment" else client.get(url)
            error = None if response.status_code == expected else f"{url} {response.status_code}"
        except httpx.HTTPError as exc:  # counted, never fatal to the simulated user
            error = f"{url} {type(exc).__name__}"
        tally.add(kind, url, time.perf_counter() - start, error)
        time.sleep(rng.uniform(*think))  # a person reads the page before the next click
    client.close()


def _solo(base: str, pages: list[str], rounds: int) -> dict[str, dict[str, float | int]]:
    """Each page `rounds` times and `rounds` assessments, one request at a time (nothing else from us)."""
    client = _sign_in(base)
    pages_s: list[float] = []
    assess_s: list[float] = []
    for _ in range(rounds):
        for url in pages:
            start = time.perf_counter()
            client.get(url)
            pages_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.post("/api/patients/EXAMPLE-FAMILY-1/assessments", json=CASE)
        assess_s.append(time.perf_counter() - start)
    client.close()
    return {"page": _summary(pages_s), "assessment": _summary(assess_s)}


def _summary(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--assess-share", type=float, default=0.05, help="Share of actions that assess.")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: serve's).")
    parser.add_argument("--solo", type=int, default=5, help="Rounds of the one-user pass before the load.")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="Seconds a user waits between actions, uniform in [MIN, MAX] (locust's wait_time; 0 0 = none).",
    )
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ipexpath-web-load-"))
    dropped = ("IPEXPATH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"IPEXPATH_DATA_DIR": str(data), "IPEXPATH_SECRET_KEY": "load-benchmark-only"})
    port = _free_port()
    command = [sys.executable, "-m", "ipexpath.cli", "serve", "--json", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        first_start = time.perf_counter() - started
        _cli(env, "users", "create", "loaduser", "--role", "clinician", "--centre", "synthetic-demo",
             "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        probe = _sign_in(base)
        listing = probe.get("/").text
        synthetic = sorted(set(re.findall(r'href="/patients/(SYN-\d+)/"', listing)))[:20]
        example = probe.get("/patients/EXAMPLE-FAMILY-1/").text
        stored = re.findall(r'href="/assessments/(\d+)/"', example)
        pages = [
            "/",
            "/patients/EXAMPLE-FAMILY-1/",
            "/patients/EXAMPLE-FAMILY-1/family/",
            f"/assessments/{stored[0]}/",
            "/registry/analysis/",
            *(f"/patients/{p}/" for p in synthetic),
        ]
        for url in pages:  # warm up: the analysis is computed once per registry state, then reused
            assert probe.get(url).status_code == 200, url
        assert probe.post("/api/patients/EXAMPLE-FAMILY-1/assessments", json=CASE).status_code == 201
        probe.close()

        solo = _solo(base, pages, args.solo)  # one user alone: the latency without queueing
        think = (float(args.think[0]), float(args.think[1]))
        clients = [_sign_in(base) for _ in range(args.users)]  # signed in before the clock starts
        tally, go, until = Tally(), threading.Event(), [0.0]
        threads = [
            threading.Thread(target=_user, args=(c, pages, args.assess_share, go, until, tally, seed, think))
            for seed, c in enumerate(clients)
        ]
        for t in threads:
            t.start()
        load_before = os.getloadavg()
        until[0] = time.perf_counter() + args.seconds
        go.set()
        for t in threads:
            t.join()
        result = {
            "users": args.users,
            "seconds": args.seconds,
            "assess_share": args.assess_share,
            "think_s": list(think),
            "workers": args.workers or "serve default",
            "server_first_start_s": round(first_start, 1),
            "demo_password_printed": bool(info.get("demo_password")),
            "page": _summary(tally.times["page"]),
            "assessment": _summary(tally.times["assessment"]),
            "one_user_alone": solo,
            "by_url": {url: _summary(values) for url, values in sorted(tally.by_url.items())},
            "errors": len(tally.errors),
            "error_kinds": sorted(set(tally.errors))[:10],
            "requests_per_s": round(sum(len(v) for v in tally.times.values()) / args.seconds, 1),
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        }
        page_p95 = result["page"].get("p95_ms", 0)  # type: ignore[union-attr]
        assess_p95 = result["assessment"].get("p95_ms", 0)  # type: ignore[union-attr]
        result["targets_met"] = bool(page_p95 < 300 and assess_p95 < 2000 and not tally.errors)
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
