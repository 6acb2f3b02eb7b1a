"""A web worker's start: load what every request needs, then take it out of the garbage
collector's reach.

Django, the apps and their URL patterns leave about a quarter of a million long-lived objects.
A full (generation 2) collection walks all of them, and requests make enough cyclic garbage
(template contexts, querysets) to trigger one every few dozen requests: 70–135 ms added to that
request (measured in bench/inbox.py at 150 000 cases, where it set the p95). `gc.freeze()` moves
the objects alive at start into a permanent generation that collections skip; the worker keeps
collecting what its requests create.
"""

import gc


def warm_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not on a request
    gc.collect()
    gc.freeze()
