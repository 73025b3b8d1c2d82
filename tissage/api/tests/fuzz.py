"""Schemathesis against the live API, as a plain function a test calls: every operation of
the OpenAPI document (or those `include` names), cases generated from the schema (valid
ones and invalid ones), each answer checked: no 5xx, a status code, a content type, headers
and a body that the document declares.

Deterministic and bounded: Hypothesis derandomised (the same cases every run), no example
database on disk, `max_examples` per operation and mode. Half the cases take their path
parameters from `known` (the slugs and ids of rows the test made), so that the 200s are
fuzzed too, not only the 404s of random slugs.

The staff side reuses it with a token: `fuzz(live_server.url, headers={"Authorization":
"Bearer …"}, include=r"^/api/v1/staff/", known={…})`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def fuzz(
    base_url: str,
    *,
    headers: dict[str, str] | None = None,
    include: str = r"^/api/v1/",
    known: dict[str, Any] | Callable[[str], dict[str, Any]] | None = None,
    max_examples: int = 15,
    statuses: list[int] | None = None,
) -> list[str]:
    """Fuzz every GET (and other method) under `include`; returns the operations run.
    `known`: real path parameters, or a function of the operation's path giving them;
    `statuses`, when given, receives the status of every answer.
    A failure raises, naming the operation and the case to replay it."""
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", timeout=30)
    run: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not re.search(include, operation.path):
            continue
        real = known(operation.path) if callable(known) else (known or {})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, base_url, headers or {}, real, max_examples, statuses)
        run.append(operation.label)
    return run


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    base_url: str,
    headers: dict[str, str],
    known: dict[str, Any],
    max_examples: int,
    statuses: list[int] | None,
) -> None:
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(case=operation.as_strategy(generation_mode=mode), use_known=st.booleans())
    def check(case: Any, use_known: bool) -> None:
        if use_known and mode is GenerationMode.POSITIVE:
            for name in case.path_parameters:
                if name in known:
                    case.path_parameters[name] = known[name]
        response = case.call_and_validate(
            base_url=base_url, headers=headers, checks=CHECKS, timeout=30
        )
        if statuses is not None:
            statuses.append(response.status_code)

    try:
        check()
    except Unsatisfiable:
        # Nothing of the operation can be invalid (a lone string in the path): no
        # negative case exists. Valid cases are always generated.
        if mode is GenerationMode.POSITIVE:
            raise
