"""RS-232 collector: pyserial with the source's baud rate, parity, stop bits and flow control.

Printer-style output (page headers, form feeds, blank lines) is kept byte for
byte: the line framer only cuts after each line terminator, and parsers skip headers.

Nothing the port received is thrown away: pyserial's ``open()`` flushes the input
buffer (``tcflush(TCIFLUSH)``), which lost what arrived while the collector was
restarting, so the port is opened without that flush. Bytes are left to gather in
the kernel's buffer and taken in one read, then written to the spool at once. The
kernel keeps a port's input only while some process holds the port open: what a
PBX sends while no collector runs reaches a real UART that is shut down, and is
lost unless the PBX holds it back itself (hardware flow control: the closed port
drops RTS and DTR). See :data:`INPUT_WHILE_DOWN`.
"""

from __future__ import annotations

import select
import threading
import time

import serial

from ingestion.collect.backoff import Backoff
from ingestion.collect.intake import StreamIntake
from ingestion.config.transports import SerialTransport
from ingestion.formats.stream_framing import FramingError

POLL_SECONDS = 0.2
GATHER_SECONDS = 0.02  # after the first byte, let a burst gather in the kernel's buffer: one read, one write
PARITY = {
    "none": serial.PARITY_NONE,
    "even": serial.PARITY_EVEN,
    "odd": serial.PARITY_ODD,
    "mark": serial.PARITY_MARK,
    "space": serial.PARITY_SPACE,
}


INPUT_WHILE_DOWN = {
    "hardware": (
        "held back by the PBX if it honours flow control (a closed port drops RTS and DTR), "
        "as far as its own buffer reaches"
    ),
    "none": (
        "lost: a closed serial port receives nothing "
        "(with rtscts or dsrdtr flow control a PBX that honours it holds its output back)"
    ),
}


def input_while_down(transport: SerialTransport) -> str:
    """What becomes of what the PBX sends while no collector holds the port open."""
    return INPUT_WHILE_DOWN["hardware" if transport.flow_control in ("rtscts", "dsrdtr") else "none"]


class KeepingInputSerial(serial.Serial):
    """pyserial's port without the flush of received input that its ``open()`` does."""

    _opening = False

    def open(self) -> None:
        self._opening = True
        try:
            super().open()
        finally:
            self._opening = False

    def _reset_input_buffer(self) -> None:
        if not self._opening:
            super()._reset_input_buffer()


def open_port(transport: SerialTransport) -> serial.Serial:
    """The serial port configured as the source says (raw mode: no echo, no CR/LF translation).

    What the kernel had buffered (received while the collector restarted) stays to be read.
    """
    return KeepingInputSerial(
        port=transport.device,
        baudrate=transport.baudrate,
        bytesize=transport.bytesize,
        parity=PARITY[transport.parity],
        stopbits=transport.stopbits,
        xonxoff=transport.flow_control == "xonxoff",
        rtscts=transport.flow_control == "rtscts",
        dsrdtr=transport.flow_control == "dsrdtr",
        timeout=POLL_SECONDS,
    )


def read_serial(transport: SerialTransport, intake: StreamIntake, stop: threading.Event) -> None:
    """Read the port until ``stop``; reopen with backoff if it fails (a USB adapter unplugged)."""
    backoff = Backoff(transport.backoff)
    while not stop.is_set():
        try:
            port = open_port(transport)
        except (serial.SerialException, OSError) as exc:
            intake.note_error(f"cannot open {transport.device}: {exc}")
            stop.wait(backoff.next_delay())
            continue
        with port, intake.connection(transport.device) as connection:
            try:
                while not stop.is_set():
                    data = _read_available(port)
                    if data:
                        backoff.reset()
                        connection.feed(data)
            except (serial.SerialException, OSError, FramingError) as exc:
                intake.note_error(f"{transport.device}: {exc}")
        stop.wait(backoff.next_delay())


def _read_available(port: serial.Serial) -> bytes:
    """What the port has received, in one read; empty after ``POLL_SECONDS`` without a byte.

    The bytes wait in the kernel's buffer (which outlives a killed collector) rather than in
    pyserial's read loop: only what this one read returned is ever held in memory alone.
    """
    readable, _, _ = select.select([port.fileno()], [], [], POLL_SECONDS)
    if not readable:
        return b""
    time.sleep(GATHER_SECONDS)
    return port.read(port.in_waiting or 1)  # 1: readable yet empty is a hang-up, which read() reports
