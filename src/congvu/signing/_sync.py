"""Run pyHanko's synchronous wrappers (which call ``asyncio.run``) from any thread.

When the calling thread already runs an event loop (an async view, Playwright's sync API in tests),
``asyncio.run`` refuses; the call is then made in a short-lived worker thread.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def call(fn, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
