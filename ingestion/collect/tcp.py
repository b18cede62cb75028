"""TCP both ways: a listener that PBXes connect to (Avaya IP Office, 3CX, Mitel MiVB), or a client
that connects to the PBX's SMDR port (Panasonic, NEC, Mitel 5000) and reconnects with backoff."""

from __future__ import annotations

import socket
import struct
import threading

from ingestion.collect.backoff import Backoff
from ingestion.collect.intake import ConnectionIntake, StreamIntake
from ingestion.config.transports import TcpTransport
from ingestion.formats.stream_framing import FramingError

POLL_SECONDS = 0.2  # how often a blocked socket looks at the stop flag
RECEIVE_BYTES = 1 << 16
# The kernel acknowledges what it buffers before we have written it: a small receive buffer keeps that
# amount (lost if the collector is killed) well inside what a PBX replays from its own buffer.
RECEIVE_BUFFER_BYTES = 64 << 10
CONNECT_TIMEOUT_SECONDS = 5.0


def input_while_down(transport: TcpTransport) -> str:
    """What becomes of what the PBX sends while no collector runs."""
    return (
        "kept by the PBX and re-sent when it connects again, as far as its buffer reaches "
        f"(re-sent records among the last {transport.spool.replay_window} spooled are dropped as replays)"
    )


def mitel5000_login(password: str) -> bytes:
    """The Mitel 5000 SMDR login frame: 4-byte little-endian length, 0x84, the password, NUL."""
    body = b"\x84" + password.encode("ascii") + b"\0"
    return struct.pack("<I", len(body)) + body


def pump(conn: socket.socket, connection: ConnectionIntake, stop: threading.Event) -> None:
    """Feed everything the socket delivers until the peer closes, an error, or ``stop``."""
    conn.settimeout(POLL_SECONDS)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    with conn, connection:
        while not stop.is_set():
            try:
                data = conn.recv(RECEIVE_BYTES)
            except TimeoutError:
                continue
            except OSError as exc:
                connection.intake.note_error(f"{connection.peer}: {exc}")
                return
            if not data:
                return
            try:
                connection.feed(data)
            except FramingError as exc:  # the stream is out of step: drop the connection, the PBX resends
                connection.intake.note_error(f"{connection.peer}: {exc}")
                return


def listen(transport: TcpTransport, intake: StreamIntake, stop: threading.Event) -> None:
    """Accept any number of PBX connections; each is read by its own thread into the shared spool."""
    backoff = Backoff(transport.backoff)
    while not stop.is_set():
        try:
            server = socket.create_server((transport.host, transport.port), backlog=64)
        except OSError as exc:
            intake.note_error(f"cannot listen on {transport.host}:{transport.port}: {exc}")
            stop.wait(backoff.next_delay())
            continue
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)  # inherited by accepted
        with server:
            _accept_until_stopped(server, intake, stop)


def _accept_until_stopped(server: socket.socket, intake: StreamIntake, stop: threading.Event) -> None:
    server.settimeout(POLL_SECONDS)
    readers: list[threading.Thread] = []
    while not stop.is_set():
        try:
            conn, (host, port, *_) = server.accept()
        except TimeoutError:
            continue
        reader = threading.Thread(
            target=pump, args=(conn, intake.connection(f"{host}:{port}"), stop), daemon=True
        )
        reader.start()
        readers = [r for r in readers if r.is_alive()] + [reader]
    for reader in readers:
        reader.join(timeout=2 * POLL_SECONDS + 1)


def _dial(host: str, port: int) -> socket.socket:
    """A connected socket whose receive buffer was made small before the handshake (when it counts)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        sock.settimeout(CONNECT_TIMEOUT_SECONDS)
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


def connect(transport: TcpTransport, intake: StreamIntake, stop: threading.Event) -> None:
    """Connect to the PBX, send the login if any, read; on any drop wait with backoff and reconnect."""
    backoff = Backoff(transport.backoff)
    peer = f"{transport.host}:{transport.port}"
    greeting = transport.send_on_connect
    if transport.mitel_password:
        greeting += mitel5000_login(transport.mitel_password)
    while not stop.is_set():
        try:
            conn = _dial(transport.host, transport.port)
            if greeting:
                conn.sendall(greeting)
        except OSError as exc:
            intake.note_error(f"cannot connect to {peer}: {exc}")
            stop.wait(backoff.next_delay())
            continue
        connection = intake.connection(peer)
        pump(conn, connection, stop)
        if connection.bytes_received:
            backoff.reset()
        stop.wait(backoff.next_delay())
