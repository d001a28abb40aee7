"""Python's cyclic garbage collector, paused around work that makes many short-lived objects."""

import gc
from contextlib import contextmanager


@contextmanager
def cycles_uncollected():
    """The cyclic collector paused: reading or computing a city's thousand units makes some 10⁵–10⁶ tuples and
    dicts, none in a cycle (reference counting frees them), and the collector's passes over them — a full pass
    walks every object of the process — took a quarter of such a read, in spikes. Any cycle made meanwhile is
    collected once the collector runs again. Usable as a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
