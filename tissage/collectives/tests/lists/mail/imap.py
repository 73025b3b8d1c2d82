"""A real IMAP server in the test process, and a connection that can be lost.

`running_imap` starts pymap (an IMAP4rev1 server in pure Python, on asyncio) with its
in-memory backend on 127.0.0.1, in a thread, as `core/tests/smtp.py` does with aiosmtpd.

`CuttingProxy` relays TCP between imaplib and that server, and loses the connection once
at a chosen point, as a network or a server restart does: before a command reaches the
server, after the server has carried it out but before its answer arrives, or in the
middle of an answer (a message half received). After the cut it relays faithfully, so
the next round of `fetch-mail` sees the mailbox as the server left it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from argparse import Namespace
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass

from tissage.core.tests.smtp import free_port

USER, PASSWORD = "listes", "s3cret"


@contextmanager
def running_imap() -> Iterator[int]:
    """pymap's in-memory backend on a free port; yields the port."""
    from pymap.backend.dict import DictBackend
    from pymap.imap import IMAPService

    port = free_port()
    ready = threading.Event()
    control: list = []

    async def serve() -> None:
        args = Namespace(
            host=["127.0.0.1"],
            port=str(port),
            debug=False,
            cert=None,
            key=None,
            tls=False,
            demo_data=False,
            demo_user=USER,
            demo_password=PASSWORD,
            inherited_sockets=None,
            proxy_protocol=None,
            passlib_cfg=None,
        )
        backend, config = await DictBackend.init(args)
        config.apply_context()
        async with AsyncExitStack() as stack:
            await backend.start(stack)
            await IMAPService(backend, config).start(stack)
            stop = asyncio.Event()
            control.append((asyncio.get_running_loop(), stop))
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield port
    finally:
        loop, stop = control[0]
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


@dataclass
class Cut:
    """Where to lose the connection: at the `nth` command the client sends that contains
    `command` (e.g. b"UID STORE"). `when`: "before" (the server never sees the command),
    "after" (the server carries it out, its answer is lost) or "during" (`keep` bytes of
    the answer arrive, then nothing)."""

    command: bytes
    nth: int = 1
    when: str = "before"
    keep: int = 0


class CuttingProxy:
    def __init__(self, server_port: int, cut: Cut) -> None:
        self.server_port = server_port
        self.cut = cut
        self.seen = 0
        self.done = False  # the connection was lost once; faithful from then on
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = False
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._start(self._accept)

    def _start(self, target, *args) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.server_port))
            armed = threading.Event()  # the trigger command went through: watch the answer
            self._start(self._client_to_server, client, server, armed)
            self._start(self._server_to_client, server, client, armed)

    @staticmethod
    def _close(*sockets: socket.socket) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _client_to_server(
        self, client: socket.socket, server: socket.socket, armed: threading.Event
    ) -> None:
        try:
            while data := client.recv(65536):
                with self._lock:
                    trigger = not self.done and self.cut.command in data
                    if trigger:
                        self.seen += 1
                        trigger = self.seen == self.cut.nth
                    if trigger and self.cut.when == "before":
                        self.done = True
                        self._close(client, server)
                        return
                if trigger:
                    armed.set()  # before the server can answer
                server.sendall(data)
        except OSError:
            pass
        self._close(client, server)

    def _server_to_client(
        self, server: socket.socket, client: socket.socket, armed: threading.Event
    ) -> None:
        try:
            while data := server.recv(65536):
                if armed.is_set() and not self.done:
                    # The server answers the command: it has carried it out.
                    keep = self.cut.keep if self.cut.when == "during" else 0
                    client.sendall(data[:keep])
                    with self._lock:
                        self.done = True
                    break
                client.sendall(data)
        except OSError:
            pass
        self._close(server, client)

    def close(self) -> None:
        self._closing = True
        self._close(self._listener)
        for thread in self._threads:
            thread.join(2)
