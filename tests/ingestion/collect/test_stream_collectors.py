"""TCP and serial collectors on real sockets and a pseudo-terminal: framing, several PBXes, reconnects."""

from __future__ import annotations

import os
import socket
import threading
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingestion.collect import serial_line, tcp
from ingestion.collect import spool as spool_module
from ingestion.collect.intake import StreamIntake
from ingestion.collect.spool import ReplayGuard, Spool
from ingestion.config.company import Source
from ingestion.config.transports import BackoffSettings, SerialTransport, SpoolSettings, TcpTransport
from ingestion.formats.stream_framing import new_framer, split_records
from tests.collector_support import avaya_record, free_port, landed_bytes, wait_until

pytestmark = pytest.mark.timeout(30)
RECORDS = [avaya_record(n) for n in range(300)]
STREAM = b"".join(RECORDS)


@contextmanager
def running_collector(
    tmp_path: Path,
    transport: TcpTransport | SerialTransport,
    reader: Callable[..., None],
    continuous: bool = False,
) -> Iterator[StreamIntake]:
    """A collector for ``transport`` in this process; on exit it stops and lands its spool."""
    source = Source(
        name="pbx", site="hq", format="avaya_ipoffice_smdr", location="", pattern="*", transport=transport
    )
    spool = Spool(
        tmp_path / "spool" / "pbx", source, tmp_path / "landing", transport.spool, continuous=continuous
    )
    spool.open()
    intake = StreamIntake(spool, lambda: new_framer(transport.spool.framing))
    stop = threading.Event()
    thread = threading.Thread(target=reader, args=(transport, intake, stop), daemon=True)
    thread.start()
    try:
        yield intake
    finally:
        stop.set()
        thread.join(timeout=5)
        spool.close()


def _send_in_pieces(port: int, data: bytes, piece: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as pbx:
        pbx.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for start in range(0, len(data), piece):
            pbx.sendall(data[start : start + piece])


def _listen_transport(port: int) -> TcpTransport:
    return TcpTransport(kind="tcp-listen", host="127.0.0.1", port=port, spool=SpoolSettings())


def _connect_when_listening(port: int) -> None:
    wait_until(lambda: _can_connect(port), what=f"listener on {port}")


def _can_connect(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize("records_per_write", [None, 50])
def test_tcp_one_byte_writes_and_50_record_writes_spool_identical_bytes(tmp_path: Path, records_per_write):
    port = free_port()
    with running_collector(tmp_path, _listen_transport(port), tcp.listen) as intake:
        _connect_when_listening(port)
        piece = 1 if records_per_write is None else len(b"".join(RECORDS[:records_per_write]))
        _send_in_pieces(port, STREAM, piece)
        wait_until(lambda: intake.spool.stats.records_spooled == len(RECORDS), what="all records spooled")
    assert landed_bytes(tmp_path / "landing", "pbx") == STREAM


def test_listener_takes_several_pbxes_at_once_without_mixing_records(tmp_path: Path):
    port = free_port()
    streams = {pbx: [avaya_record(pbx * 10_000 + n) for n in range(200)] for pbx in range(1, 6)}
    with running_collector(tmp_path, _listen_transport(port), tcp.listen) as intake:
        _connect_when_listening(port)
        # Odd piece sizes cut records everywhere; the five PBXes send at the same time.
        senders = [
            threading.Thread(target=_send_in_pieces, args=(port, b"".join(records), 7 + pbx))
            for pbx, records in streams.items()
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        wait_until(lambda: intake.spool.stats.records_spooled == 1000, what="1000 records from five PBXes")
    landed, tail = split_records(landed_bytes(tmp_path / "landing", "pbx"), "lines")
    assert tail == b"" and sorted(landed) == sorted(r for records in streams.values() for r in records)
    for records in streams.values():  # each PBX's records keep their order
        mine = set(records)
        assert [r for r in landed if r in mine] == records


class DroppingPbx:
    """A PBX SMDR port (Panasonic / NEC style): each client gets a part of the stream, then a drop."""

    def __init__(self, parts: list[bytes]) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.parts = parts
        self.greetings: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with self.server:
            for part in self.parts:
                conn, _ = self.server.accept()
                with conn:
                    conn.settimeout(5)
                    self.greetings.append(conn.recv(100))
                    conn.sendall(part)


def _cut(records: list[bytes], start: int, stop: int) -> bytes:
    """Records ``start``..``stop`` and then half of the next one: the PBX drops in the middle of a record."""
    return b"".join(records[start:stop]) + records[stop][:40]


def test_connect_mode_reconnects_with_backoff_after_the_pbx_drops(tmp_path: Path):
    # Each new connection starts with the record the previous one cut (the PBX re-sends it whole).
    pbx = DroppingPbx([_cut(RECORDS, 0, 10), _cut(RECORDS, 10, 150), b"".join(RECORDS[150:])])
    transport = TcpTransport(
        kind="tcp-connect",
        host="127.0.0.1",
        port=pbx.port,
        spool=SpoolSettings(),
        backoff=BackoffSettings(initial_seconds=0.05, max_seconds=0.2),
        send_on_connect=b"SMDR\r\n",
    )
    with running_collector(tmp_path, transport, tcp.connect) as intake:
        wait_until(lambda: intake.spool.stats.records_spooled == len(RECORDS), what="every record once")
    assert pbx.greetings == [b"SMDR\r\n"] * 3
    assert landed_bytes(tmp_path / "landing", "pbx") == STREAM


def test_connect_mode_backoff_grows_while_the_pbx_is_unreachable(tmp_path: Path):
    port = free_port()  # nobody listens here
    transport = TcpTransport(
        kind="tcp-connect",
        host="127.0.0.1",
        port=port,
        spool=SpoolSettings(),
        backoff=BackoffSettings(initial_seconds=0.01, max_seconds=0.08),
    )
    attempts: list[float] = []
    original = tcp._dial

    def counting_dial(host: str, port: int) -> socket.socket:
        import time

        attempts.append(time.monotonic())
        return original(host, port)

    tcp._dial = counting_dial
    try:
        with running_collector(tmp_path, transport, tcp.connect):
            wait_until(lambda: len(attempts) >= 7, what="seven connection attempts")
    finally:
        tcp._dial = original
    gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps[0] < 0.05 and max(gaps[4:6]) >= 0.05  # doubled from 10 ms, capped near 80 ms


def test_replayed_buffer_adds_no_record(tmp_path: Path):
    port = free_port()
    with running_collector(tmp_path, _listen_transport(port), tcp.listen) as intake:
        _connect_when_listening(port)
        _send_in_pieces(port, STREAM, 4096)
        wait_until(lambda: intake.spool.stats.records_spooled == len(RECORDS), what="first delivery")
        _send_in_pieces(port, b"".join(RECORDS[100:]), 333)  # the PBX reconnects and replays its buffer
        wait_until(lambda: intake.spool.stats.replays_dropped == 200, what="replay recognised")
        assert intake.spool.stats.records_spooled == len(RECORDS)
    assert landed_bytes(tmp_path / "landing", "pbx") == STREAM


def test_replay_rule_keeps_identical_records_in_the_normal_flow(tmp_path: Path):
    source = Source(name="pbx", site="hq", format="x", location="", pattern="*")
    spool = Spool(tmp_path / "spool", source, tmp_path / "landing", SpoolSettings())
    spool.open()
    first, second = ReplayGuard(), ReplayGuard()
    assert spool.append([b"a\n", b"b\n", b"a\n"], first) == 3  # a repeat inside one flow is a new record
    assert spool.append([b"a\n", b"b\n", b"c\n", b"a\n"], second) == 2  # replay of a, b; then c and a are new
    spool.close()
    assert landed_bytes(tmp_path / "landing", "pbx") == b"a\nb\na\nc\na\n"


PAGE_HEADER = (
    b"\x0c  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD\r\n"
    + b"-" * 80
    + b"\r\n"
)


def _panasonic_page(page: int) -> bytes:
    rows = b"".join(
        f"03/0{page}/24 10:{n:02d}AM  201 01 0302345{n:04d}{' ' * 17}0'05 00:01'05{' ' * 12}\r\n".encode()
        for n in range(20)
    )
    return PAGE_HEADER + rows + b"\r\n"


def test_serial_printer_output_with_page_headers_arrives_intact_through_a_pty(tmp_path: Path):
    controller, device = os.openpty()
    transport = SerialTransport(
        kind="serial",
        device=os.ttyname(device),
        spool=SpoolSettings(replay_window=0),
        baudrate=9600,
        parity="none",
    )
    printout = b"".join(_panasonic_page(page) for page in range(1, 4))
    try:
        with running_collector(tmp_path, transport, serial_line.read_serial) as intake:
            expected = len(printout.split(b"\n")) - 1
            wait_until(lambda: transport.device in intake.peers, what="port open")
            for start in range(0, len(printout), 37):  # a printer trickles; cut lines anywhere
                os.write(controller, printout[start : start + 37])
            wait_until(lambda: intake.spool.stats.records_spooled == expected, what="every printed line")
    finally:
        os.close(controller)
        os.close(device)
    assert landed_bytes(tmp_path / "landing", "pbx") == printout


def _serial_transport(device: int) -> SerialTransport:
    return SerialTransport(
        kind="serial", device=os.ttyname(device), spool=SpoolSettings(replay_window=0), baudrate=9600
    )


def test_serial_keeps_what_the_line_delivered_while_the_collector_was_down(tmp_path: Path):
    """pyserial's open() flushes the port's input: that lost what arrived during a restart."""
    controller, device = os.openpty()  # we hold the port open too, as the kernel needs to keep input
    tty.setraw(device)
    transport = _serial_transport(device)
    # A closed pty holds a few kilobytes of unread input (n_tty's 4 KB, as a UART driver's buffer);
    # past that the writer blocks. 30 records (3.5 KB) while down stay within it.
    thirds = [b"".join(RECORDS[start:end]) for start, end in ((0, 100), (100, 130), (130, 300))]
    try:
        with running_collector(tmp_path, transport, serial_line.read_serial, continuous=True) as intake:
            wait_until(lambda: transport.device in intake.peers, what="port open")
            os.write(controller, thirds[0])
            wait_until(lambda: intake.spool.stats.records_spooled == 100, what="the first 100 lines")
        os.write(controller, thirds[1])  # no collector runs: the kernel buffers these
        with running_collector(tmp_path, transport, serial_line.read_serial, continuous=True) as intake:
            wait_until(lambda: transport.device in intake.peers, what="port open again")
            os.write(controller, thirds[2])
            wait_until(lambda: intake.spool.stats.records_spooled == 200, what="the other 200 lines")
    finally:
        os.close(controller)
        os.close(device)
    assert landed_bytes(tmp_path / "landing", "pbx") == STREAM


def _continuous_spool(tmp_path: Path, rotate_bytes: int = 8 << 20) -> Spool:
    settings = SpoolSettings(replay_window=0, rotate_bytes=rotate_bytes)
    source = Source(name="pbx", site="hq", format="avaya_ipoffice_smdr", location="", pattern="*")
    spool = Spool(tmp_path / "spool" / "pbx", source, tmp_path / "landing", settings, continuous=True)
    spool.open()
    return spool


def test_a_continuous_spool_continues_a_record_cut_by_a_restart(tmp_path: Path):
    first = _continuous_spool(tmp_path)
    cut = len(RECORDS[0]) + 40  # one record and 40 bytes of the next
    assert first.append_bytes(STREAM[:cut]) == 1
    first.close(rotate=False)  # what a kill leaves: the bytes written, nothing landed
    again = _continuous_spool(tmp_path)
    assert again.append_bytes(STREAM[cut:]) == len(RECORDS) - 1
    again.close()
    assert landed_bytes(tmp_path / "landing", "pbx") == STREAM


class Killed(BaseException):
    """Stands for SIGKILL at one step of a rotation."""


@pytest.mark.parametrize("step", ["tail written", "active cut", "chunk renamed"])
def test_a_rotation_killed_half_way_is_undone_or_finished_on_restart(tmp_path: Path, monkeypatch, step):
    """Each step of a continuous spool's rotation, killed: after the restart the stream lands whole, once."""
    spool = _continuous_spool(tmp_path, rotate_bytes=1000)
    real_write, real_replace = spool_module._write_synced, os.replace
    renames = []

    def write_synced(path, data):
        real_write(path, data)
        if step == "tail written":
            raise Killed

    def replace(source, target):
        renames.append(target)
        if step == "active cut" and len(renames) == 1 or step == "chunk renamed" and len(renames) == 2:
            raise Killed
        real_replace(source, target)

    monkeypatch.setattr(spool_module, "_write_synced", write_synced)
    monkeypatch.setattr(spool_module.os, "replace", replace)
    position = 0
    with pytest.raises(Killed):
        for position in range(0, len(STREAM), 97):  # 97-byte reads cut records: rotations carry a tail
            spool.append_bytes(STREAM[position : position + 97])
    monkeypatch.undo()
    assert (tmp_path / "spool" / "pbx" / spool_module.NEXT_NAME).exists()  # killed inside the rotation
    try:
        os.close(spool._fd)  # the killed process's descriptor, if it was still open
    except OSError:
        pass
    again = _continuous_spool(tmp_path, rotate_bytes=1000)
    again.append_bytes(STREAM[position + 97 :])
    again.close()
    landed, tail = split_records(landed_bytes(tmp_path / "landing", "pbx"), "lines")
    assert tail == b"" and landed == RECORDS
