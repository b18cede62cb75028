"""Chicago's Cisco Unified CM: hourly ``cdr_*`` and ``cmr_*`` flat files (CUCM 15 layout).

Each file starts with the column-name and column-type lines; strings are
quoted, integers bare; times are UTC epoch seconds, ``dateTimeConnect`` is 0
for a call that never connected; IPv4 addresses are signed little-endian
int32. All CDRs of a call share ``globalCallID_callId``; a transfer adds a CDR
for the transferee (``joinOnBehalfOf`` 10). One CMR per answered phone.

How dispositions show: connected (``dateTimeConnect`` > 0) = answered; otherwise
cause 17 (user busy) = busy, causes 16/19 (normal clearing / no answer) =
no answer, anything else (1, 34, 38, 41) = failed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ringledger.demo import textcols as tc
from ringledger.demo.cucm_columns import CDR_COLUMNS, CMR_COLUMNS
from ringledger.demo.legs import TRANSFER, Legs, SiteCalls, file_batches, file_ranges
from ringledger.demo.model import ANSWERED, BUSY, FAILED, INTERNAL, NO_ANSWER
from ringledger.demo.render import LegView, SiteOutput

CLUSTER = "StandAloneCluster"
FILE_NODE = "01"
FIRST_FILE_SEQUENCE = 10_001
FAILED_CAUSES = np.array([34, 38, 41, 1])
PHONE_MAC_BASE = 0xA4563C000000
PAYLOAD_G711_ULAW = 4


def header(columns: tuple[tuple[str, str], ...]) -> bytes:
    names = ",".join(f'"{name}"' for name, _ in columns)
    types = ",".join(kind for _, kind in columns)
    return f"{names}\n{types}\n".encode()


def signed_le_ipv4(a: int, b: int, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """IPv4 a.b.c.d as CUCM stores it: the address bytes read as a little-endian int32."""
    value = a + (b << 8) + (np.asarray(c, np.int64) << 16) + (np.asarray(d, np.int64) << 24)
    return value.astype(np.uint32).view(np.int32).astype(np.int64)


def _join(*parts: tc.Cell) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _wrap(values: pa.Array) -> pa.Array:
    return _join('"', values, '"')


def _choose(mask: np.ndarray, yes: tc.Cell, no: tc.Cell) -> pa.Array:
    return pc.if_else(pa.array(mask), yes, no)


class Endpoints:
    """Phone and trunk identities: device names and addresses."""

    def __init__(self, view: LegView) -> None:
        self.view = view

    def phone_name(self, ext: np.ndarray) -> pa.Array:
        mac = tc.hex_ids(PHONE_MAC_BASE + np.asarray(ext, np.int64), 12)
        return _join("SEP", pc.utf8_upper(mac))

    @staticmethod
    def phone_ip(ext: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ext = np.asarray(ext, np.int64)
        return (ext // 250) % 256, ext % 250 + 2

    def trunk_ip(self) -> tuple[np.ndarray, np.ndarray]:
        trunk = np.maximum(self.view.call("trunk"), 0).astype(np.int64)
        return np.zeros_like(trunk), 10 + trunk

    def address(self, is_trunk: np.ndarray, ext: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        """(signed int, dotted text) per leg for a phone or, where ``is_trunk``, the trunk."""
        pc_, pd = self.phone_ip(ext)
        tc_, td = self.trunk_ip()
        c = np.where(is_trunk, tc_, pc_)
        d = np.where(is_trunk, td, pd)
        first = np.where(is_trunk, 10, 20)
        value = np.where(is_trunk, signed_le_ipv4(10, 10, c, d), signed_le_ipv4(10, 20, c, d))
        dotted = _join("10.", tc.ints(first), ".", tc.ints(c), ".", tc.ints(d))
        return value, dotted


def _ids(view: LegView) -> dict[str, np.ndarray]:
    serial = view.data.serial[view.call_index]
    index = view.call_index.astype(np.int64)
    orig_leg = 16_000_000 + 3 * index
    transfer = view.leg("role") == TRANSFER
    return {
        "serial": serial,
        "node": 1 + serial % 2,
        "orig_leg": orig_leg,
        "dest_leg": orig_leg + 1 + transfer,
        "hash": (serial * 2654435761 + view.rank * 40503) % 4294967296,
    }


def render_cdr(view: LegView) -> pa.Array:
    """The CDR lines of the view's legs."""
    plan = view.data.site.dial_plan
    ids = _ids(view)
    inbound, outbound = view.inbound, view.outbound
    leg_ext, role = view.leg("ext"), view.leg("role")
    start, answer, end = view.leg("start"), view.leg("answer"), view.leg("end")
    disposition = view.leg("disposition")
    connected = answer >= 0
    caller_ext, callee_ext = view.call("ext"), view.call("ext2")
    transfer = role == TRANSFER
    endpoints = Endpoints(view)

    calling = _choose(inbound, view.remote_as("", "+"), tc.ints(caller_ext))
    did_national = pc.utf8_slice_codeunits(tc.ints(view.call("did")), len(plan.country_code))
    dialled = _join(plan.access_code, view.dialled)
    # who answered (or was rung): the leg's extension inbound, the callee internally
    far_ext = np.where(inbound, leg_ext, callee_ext)
    original_called = _choose(
        inbound,
        _choose(transfer, tc.ints(leg_ext), did_national),
        _choose(outbound, dialled, tc.ints(callee_ext)),
    )
    final_called = _choose(outbound, dialled, tc.ints(far_ext))
    orig_is_trunk, dest_is_trunk = inbound, outbound
    orig_ip, orig_dotted = endpoints.address(orig_is_trunk, caller_ext)
    dest_ip, dest_dotted = endpoints.address(dest_is_trunk, far_ext)
    no_dest = (disposition == FAILED) & ~outbound
    trunk = view.trunk_name
    orig_device = _choose(inbound, trunk, endpoints.phone_name(caller_ext))
    dest_device = _choose(outbound, trunk, endpoints.phone_name(far_ext))
    dest_device = _choose(no_dest, "", dest_device)
    dest_ip = np.where(no_dest, 0, dest_ip)
    dest_dotted = _choose(no_dest, "", dest_dotted)

    hung_up_first = ids["hash"] % 2 == 0
    orig_cause = np.select(
        [disposition == ANSWERED, disposition == NO_ANSWER], [np.where(hung_up_first, 16, 0), 16], 0
    )
    dest_cause = np.select(
        [disposition == ANSWERED, disposition == BUSY, disposition == FAILED, disposition == NO_ANSWER],
        [np.where(hung_up_first, 0, 16), 17, FAILED_CAUSES[ids["hash"] % len(FAILED_CAUSES)],
         np.where(view.leg("end") - start >= 30, 19, 0)],
        0,
    )  # fmt: skip
    media_port = 16384 + 2 * (ids["hash"] % 8000)
    login_caller = view.login_of(caller_ext, view.call("start"))
    login_far = view.login_of(far_ext, start)
    group = view.call("group")
    pilots = [g.did[-4:] for g in view.data.site.groups] or [""]
    pilot = _choose(group >= 0, tc.pick(pilots, np.maximum(group, 0)), "")
    internal_party = "PT_Internal"

    cells: dict[str, tc.Cell] = {
        "cdrRecordType": "1",
        "globalCallID_callManagerId": tc.ints(ids["node"]),
        "globalCallID_callId": tc.ints(ids["serial"]),
        "origLegCallIdentifier": tc.ints(ids["orig_leg"]),
        "dateTimeOrigination": tc.ints(start),
        "origNodeId": tc.ints(ids["node"]),
        "origIpAddr": tc.ints(orig_ip),
        "callingPartyNumber": _wrap(calling),
        "callingPartyUnicodeLoginUserID": _wrap(_choose(inbound, "", login_caller)),
        "origCause_value": tc.ints(orig_cause),
        "origPrecedenceLevel": "4",
        "origMediaTransportAddress_IP": tc.ints(np.where(connected, orig_ip, 0)),
        "origMediaTransportAddress_Port": tc.ints(np.where(connected, media_port, 0)),
        "origMediaCap_payloadCapability": tc.ints(np.where(connected, PAYLOAD_G711_ULAW, 0)),
        "origMediaCap_maxFramesPerPacket": tc.ints(np.where(connected, 20, 0)),
        "origRSVPAudioStat": '"0"',
        "origRSVPVideoStat": '"0"',
        "destLegIdentifier": tc.ints(ids["dest_leg"]),
        "destNodeId": tc.ints(ids["node"]),
        "destIpAddr": tc.ints(dest_ip),
        "originalCalledPartyNumber": _wrap(original_called),
        "finalCalledPartyNumber": _wrap(final_called),
        "finalCalledPartyUnicodeLoginUserID": _wrap(_choose(outbound, "", login_far)),
        "destCause_value": tc.ints(dest_cause),
        "destPrecedenceLevel": "4",
        "destMediaTransportAddress_IP": tc.ints(np.where(connected, dest_ip, 0)),
        "destMediaTransportAddress_Port": tc.ints(np.where(connected, media_port + 2, 0)),
        "destMediaCap_payloadCapability": tc.ints(np.where(connected, PAYLOAD_G711_ULAW, 0)),
        "destMediaCap_maxFramesPerPacket": tc.ints(np.where(connected, 20, 0)),
        "destRSVPAudioStat": '"0"',
        "destRSVPVideoStat": '"0"',
        "dateTimeConnect": tc.ints(np.where(connected, answer, 0)),
        "dateTimeDisconnect": tc.ints(end),
        "lastRedirectDn": _wrap(_choose(transfer, tc.ints(caller_ext), "")),
        "pkid": _wrap(tc.uuids(ids["serial"] * 1_000_003 + ids["hash"], ids["orig_leg"] * 7 + role)),
        "originalCalledPartyNumberPartition": _wrap(_choose(outbound, "PT_PSTN", internal_party)),
        "callingPartyNumberPartition": _wrap(_choose(inbound, "", internal_party)),
        "finalCalledPartyNumberPartition": _wrap(_choose(outbound, "PT_PSTN", internal_party)),
        "lastRedirectDnPartition": _wrap(_choose(transfer, internal_party, "")),
        "duration": tc.ints(view.leg("billsec")),
        "origDeviceName": _wrap(orig_device),
        "destDeviceName": _wrap(dest_device),
        "origCallTerminationOnBehalfOf": tc.ints(np.where(hung_up_first, 12, 0)),
        "destCallTerminationOnBehalfOf": tc.ints(
            np.where((view.call("transfer_at") > 0) & ~transfer, 10, np.where(hung_up_first, 0, 12))
        ),
        "globalCallId_ClusterID": f'"{CLUSTER}"',
        "joinOnBehalfOf": tc.ints(np.where(transfer, 10, 0)),
        "origDTMFMethod": "3",
        "destDTMFMethod": "3",
        "origMediaCap_Bandwidth": tc.ints(np.where(connected, 64, 0)),
        "destMediaCap_Bandwidth": tc.ints(np.where(connected, 64, 0)),
        "origIpv4v6Addr": _wrap(orig_dotted),
        "destIpv4v6Addr": _wrap(dest_dotted),
        "huntPilotDN": _wrap(pilot),
        "calledPartyPatternUsage": "2",
        "huntPilotPattern": _wrap(pilot),
        "finalCalledPartyPattern": _wrap(_choose(outbound, "9.!", tc.ints(far_ext))),
        "originalCalledPartyPattern": _wrap(
            _choose(outbound, "9.!", _choose(inbound, did_national, tc.ints(callee_ext)))
        ),
    }  # fmt: skip
    return tc.lines(_layout(CDR_COLUMNS, cells), ",")


def _layout(
    columns: tuple[tuple[str, str], ...], cells: dict[str, tc.Cell], blank_ints: int = 0
) -> list[tc.Cell]:
    """Cells in column order; missing integers are 0 (or bare empty from ``blank_ints`` on),
    missing strings ``""``."""
    unknown = set(cells) - {name for name, _ in columns}
    if unknown:
        raise KeyError(f"not CUCM columns: {sorted(unknown)}")
    out: list[tc.Cell] = []
    for position, (name, kind) in enumerate(columns):
        if name in cells:
            out.append(cells[name])
        elif kind == "INTEGER":
            out.append("" if blank_ints and position >= blank_ints else "0")
        else:
            out.append('""')
    return out


def render_cmr(view: LegView, callee_side: np.ndarray) -> pa.Array:
    """CMR lines for answered legs: one per phone; ``callee_side`` picks the callee's phone
    of an internal call (the caller's otherwise)."""
    ids = _ids(view)
    inbound = view.inbound
    use_leg_ext = inbound | callee_side
    ext = np.where(use_leg_ext, np.where(inbound, view.leg("ext"), view.call("ext2")), view.call("ext"))
    identifier = np.where(use_leg_ext, ids["dest_leg"], ids["orig_leg"])
    billsec = view.leg("billsec")
    h = (ids["hash"] + callee_side * 7919) % 4294967296
    packets_sent = billsec * 50 - h % 7
    packets_received = billsec * 50 - (h // 7) % 9
    lost = np.where(h % 11 == 0, (h // 11) % 25, 0)
    jitter = (h // 13) % 6
    latency = (h // 17) % 4
    vq = _join(
        "CCR=0.0000;ICR=0.0000;ICRmx=0.0000;CS=0;SCS=0;Ver=0.90;VoRxCodec=G.711 u-law;CID=4;"
        "VoPktSizeMs=20;VoPktLost=", tc.ints(lost), ";VoPktDis=0;VoOneWayDelayMs=",
        tc.ints(latency), ";maxJitter=", tc.ints(jitter * 3),
    )  # fmt: skip
    endpoints = Endpoints(view)
    cells: dict[str, tc.Cell] = {
        "cdrRecordType": "2",
        "globalCallID_callManagerId": tc.ints(ids["node"]),
        "globalCallID_callId": tc.ints(ids["serial"]),
        "nodeId": tc.ints(ids["node"]),
        "directoryNum": _wrap(tc.ints(ext)),
        "callIdentifier": tc.ints(identifier),
        "dateTimeStamp": tc.ints(view.leg("end")),
        "numberPacketsSent": tc.ints(packets_sent),
        "numberOctetsSent": tc.ints(packets_sent * 160),
        "numberPacketsReceived": tc.ints(packets_received),
        "numberOctetsReceived": tc.ints(packets_received * 160),
        "numberPacketsLost": tc.ints(lost),
        "jitter": tc.ints(jitter),
        "latency": tc.ints(latency),
        "pkid": _wrap(tc.uuids(ids["serial"] * 7_000_003 + h, identifier * 13 + callee_side)),
        "directoryNumPartition": '"PT_Internal"',
        "globalCallId_ClusterID": f'"{CLUSTER}"',
        "deviceName": _wrap(endpoints.phone_name(ext)),
        "varVQMetrics": _wrap(vq),
        "duration": tc.ints(billsec),
    }
    first_video = next(i for i, (name, _) in enumerate(CMR_COLUMNS) if name == "videoContentType")
    return tc.lines(_layout(CMR_COLUMNS, cells, blank_ints=first_video), ",")


def _file_name(kind: str, hour: int, sequence: int) -> str:
    stamp = np.datetime64(hour * 3600, "s").astype(object).strftime("%Y%m%d%H%M")
    return f"{kind}_{CLUSTER}_{FILE_NODE}_{stamp}_{sequence}"


def write(output: SiteOutput, folder: Path) -> tuple[list[Path], int]:
    """Write hourly CDR files and their CMR files; returns (paths, CMR records)."""
    hour = output.record_end() // 3600
    hours_present = np.unique(hour)
    sequence_of = {int(h): FIRST_FILE_SEQUENCE + i for i, h in enumerate(hours_present)}
    written: list[Path] = []
    cdr_header, cmr_header = header(CDR_COLUMNS), header(CMR_COLUMNS)
    cmr_records = 0
    legs = output.data.legs
    for begin, end in file_batches(hour):
        view = output.view(begin, end)
        cdr = tc.LineWriter(render_cdr(view))
        for key, first, last in file_ranges(hour, begin, end):
            path = folder / _file_name("cdr", key, sequence_of[key])
            cdr.write(path, first - begin, last - begin, cdr_header)
            written.append(path)
        # CMRs: every answered leg's phone, plus the callee's phone on internal calls
        answered = np.flatnonzero(legs.billsec[begin:end] > 0) + begin
        internal = answered[output.data.calls.direction[legs.call[answered]] == INTERNAL]
        rows = np.concatenate([answered, internal])
        callee = np.concatenate([np.zeros(len(answered), bool), np.ones(len(internal), bool)])
        order = np.lexsort((callee, rows))
        rows, callee = rows[order], callee[order]
        if not len(rows):
            continue
        cmr_view = _rows_view(output, rows)
        cmr = tc.LineWriter(render_cmr(cmr_view, callee))
        cmr_hour = hour[rows]
        for key, first, last in file_ranges(cmr_hour, 0, len(rows)):
            path = folder / _file_name("cmr", key, sequence_of[key])
            cmr.write(path, first, last, cmr_header)
            written.append(path)
        cmr_records += len(rows)
    return written, cmr_records


def _rows_view(output: SiteOutput, rows: np.ndarray) -> LegView:
    """A view over arbitrary records (in the given order), for the CMR rows."""
    legs = output.data.legs
    picked = Legs(**{name: getattr(legs, name)[rows] for name in legs.__dataclass_fields__})
    data = SiteCalls(output.data.site, output.data.calls, output.data.serial, picked)
    return LegView(data, output.company, output.directory, output.clock, 0, len(rows))
