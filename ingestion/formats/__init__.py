"""Declarative PBX call-record formats, one module per format, collected in ``FORMATS``."""

from __future__ import annotations

from ingestion.formats.asterisk_cdr_csv import ASTERISK_CDR_CSV
from ingestion.formats.asterisk_cdr_custom import ASTERISK_CDR_CUSTOM
from ingestion.formats.asterisk_cdr_db import ASTERISK_CDR_DB
from ingestion.formats.avaya_cm_cdr import AVAYA_CM_CDR
from ingestion.formats.avaya_ipoffice_smdr import AVAYA_IPOFFICE_SMDR
from ingestion.formats.cisco_cucm_cdr import CISCO_CUCM_CDR
from ingestion.formats.cisco_cucm_cmr import CISCO_CUCM_CMR
from ingestion.formats.definition import FormatDefinition
from ingestion.formats.freeswitch_cdr_csv import FREESWITCH_CDR_CSV
from ingestion.formats.grandstream_ucm import GRANDSTREAM_UCM_API, GRANDSTREAM_UCM_CSV
from ingestion.formats.mitel_5000_smdr import MITEL_5000_SMDR
from ingestion.formats.mitel_mivb_smdr import MITEL_MIVB_SMDR
from ingestion.formats.nec_smdr import NEC_SMDR
from ingestion.formats.panasonic_smdr import PANASONIC_SMDR
from ingestion.formats.threecx_cdr import THREECX_CDR

FORMATS: dict[str, FormatDefinition] = {
    fmt.name: fmt
    for fmt in (
        ASTERISK_CDR_CSV,
        ASTERISK_CDR_CUSTOM,
        ASTERISK_CDR_DB,
        CISCO_CUCM_CDR,
        CISCO_CUCM_CMR,
        AVAYA_IPOFFICE_SMDR,
        AVAYA_CM_CDR,
        MITEL_MIVB_SMDR,
        MITEL_5000_SMDR,
        THREECX_CDR,
        FREESWITCH_CDR_CSV,
        GRANDSTREAM_UCM_CSV,
        GRANDSTREAM_UCM_API,
        PANASONIC_SMDR,
        NEC_SMDR,
    )
}

__all__ = ["FORMATS", "FormatDefinition"]
