"""What each web worker does once it has loaded the application (`tissage serve`'s
gunicorn hook `post_worker_init`)."""

from __future__ import annotations

import gc
from typing import Any


def after_loading(worker: Any = None) -> None:
    """Sets what the worker loaded (Django, the apps, the templates: some 190,000 objects
    that live as long as the worker) apart from the garbage collector (`gc.freeze`). A
    full collection then walks only what requests made: it walked everything, 70–120 ms
    every dozen requests of a page of 200 API items (docs/performance.md, "The open
    API"), a pause that fell on some request."""
    gc.collect()
    gc.freeze()
