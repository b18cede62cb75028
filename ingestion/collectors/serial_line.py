"""RS-232 collector: pyserial with the source's baud rate, parity, stop bits and flow control.

Printer-style output (page headers, form feeds, blank lines) is kept byte for
byte: the line framer only cuts after each line terminator, and parsers skip headers.
"""

from __future__ import annotations

import threading

import serial

from ingestion.collectors.backoff import Backoff
from ingestion.collectors.framing import FramingError
from ingestion.collectors.intake import StreamIntake
from ingestion.transport_config import SerialTransport

POLL_SECONDS = 0.2
READ_BYTES = 4096
PARITY = {
    "none": serial.PARITY_NONE,
    "even": serial.PARITY_EVEN,
    "odd": serial.PARITY_ODD,
    "mark": serial.PARITY_MARK,
    "space": serial.PARITY_SPACE,
}


def open_port(transport: SerialTransport) -> serial.Serial:
    """The serial port configured as the source says (raw mode: no echo, no CR/LF translation)."""
    return serial.Serial(
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
                    data = port.read(READ_BYTES)
                    if data:
                        backoff.reset()
                        connection.feed(data)
            except (serial.SerialException, OSError, FramingError) as exc:
                intake.note_error(f"{transport.device}: {exc}")
        stop.wait(backoff.next_delay())
