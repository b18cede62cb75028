"""The PBX types of the demo sites: where their files go and how their calls are keyed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ringledger.demo import textcols as tc
from ringledger.demo.legs import Legs
from ringledger.demo.model import Calls


@dataclass(frozen=True)
class Source:
    """One entry of config/sources.yml (without the site)."""

    suffix: str  # appended to the site id to name the source
    format: str
    folder: str  # appended to the site id, under pbx/
    pattern: str
    encoding: str = "utf-8"


@dataclass(frozen=True)
class PbxType:
    """A PBX product: its sources and the counter it numbers calls with."""

    sources: tuple[Source, ...]
    first_serial: int

    def serials(self, calls: Calls, legs: Legs) -> np.ndarray:
        """Per call (sorted by start) the number the PBX gives it."""
        return self.first_serial + np.arange(len(calls), dtype=np.int64)


@dataclass(frozen=True)
class Asterisk(PbxType):
    def serials(self, calls: Calls, legs: Legs) -> np.ndarray:
        """Channel counter: each call uses one for the caller and one per leg."""
        per_call = 1 + np.bincount(legs.call, minlength=len(calls))
        return self.first_serial + np.cumsum(per_call) - per_call


PBX_TYPES: dict[str, PbxType] = {
    "asterisk": Asterisk(
        (Source("asterisk", "asterisk_cdr_csv", "asterisk", "Master.csv-*"),), first_serial=1
    ),
    "cucm": PbxType(
        (
            Source("cucm", "cisco_cucm_cdr", "cucm", "cdr_*"),
            Source("cucm-cmr", "cisco_cucm_cmr", "cucm", "cmr_*"),
        ),
        first_serial=20_001,
    ),
    "ipoffice": PbxType(
        (Source("ipoffice", "avaya_ipoffice_smdr", "ipoffice", "smdr-*.log"),),
        first_serial=1_000_001,
    ),
}


def folder_name(site_id: str, pbx: str) -> str:
    """The site's PBX folder under ``pbx/`` (e.g. ``berlin-asterisk``)."""
    return f"{site_id}-{PBX_TYPES[pbx].sources[0].folder}"


def call_keys(pbx: str, calls: Calls, serial: np.ndarray) -> pa.Array:
    """The identifier all records of a call share: Asterisk linkedid, CUCM
    globalCallID_callId, IP Office Call ID."""
    if pbx == "asterisk":
        return pc.binary_join_element_wise(tc.ints(calls.start), tc.ints(serial), ".")
    return tc.ints(serial)
