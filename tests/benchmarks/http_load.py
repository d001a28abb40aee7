"""A small closed-loop HTTP load generator: N clients on keep-alive connections, for a fixed time."""

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass
class LoadResult:
    ok: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds


def post_load(
    *, host: str, port: int, clients: int, seconds: float, make_request: Callable[[int, int], tuple[str, dict, dict]],
    max_requests: int | None = None,
) -> LoadResult:
    """`make_request(client, i)` → (path, form fields, headers). A 2xx or 3xx answer counts as done."""
    counts = [[0, 0] for _ in range(clients)]
    budget = iter(range(max_requests)) if max_requests else None
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run(client: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        i = 0
        while time.perf_counter() < stop_at:
            if budget is not None:
                with lock:
                    if next(budget, None) is None:
                        break
            path, fields, headers = make_request(client, i)
            body = urlencode(fields)
            conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **headers})
            response = conn.getresponse()
            response.read()
            counts[client][0 if response.status < 400 else 1] += 1
            i += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return LoadResult(ok=sum(c[0] for c in counts), errors=sum(c[1] for c in counts), seconds=elapsed)
