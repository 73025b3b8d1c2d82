"""The ports scripts/cluster.py gives its servers that bind minutes later."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cluster_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cluster_script", ROOT / "scripts" / "cluster.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name while the script is read.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_a_lasting_port_is_free_and_never_one_an_outgoing_connection_could_take() -> None:
    cluster = cluster_script()
    low, high = cluster.ephemeral_ports()
    assert 1024 <= low < high
    ports = {cluster.lasting_port() for _ in range(20)}
    # Below the kernel's ephemeral range: an outgoing connection made before the server
    # binds (to PostgreSQL, Redis…) cannot hold it. Drawn at random, not one fixed port.
    assert all(1024 <= port < low for port in ports), ports
    assert len(ports) > 1
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_taken_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = cluster_script()
    with socket.socket() as held:
        held.bind(("127.0.0.1", cluster.lasting_port()))
        taken = held.getsockname()[1]

        class TakenFirst:
            def shuffle(self, candidates: list[int]) -> None:
                candidates.remove(taken)
                candidates.insert(0, taken)

        monkeypatch.setattr(cluster.random, "SystemRandom", TakenFirst)
        given = cluster.lasting_port()
    assert given != taken
    assert given < cluster.ephemeral_ports()[0]
