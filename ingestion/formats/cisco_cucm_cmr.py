"""Cisco Unified CM CMR (call management record) flat files: voice quality per endpoint per call."""

from __future__ import annotations

from ingestion.formats.checks import Duration, Shape, Validation
from ingestion.formats.cisco_cucm_cdr import CALL_ID_SHAPES, EPOCH, EPOCH_WORDS
from ingestion.formats.definition import Delimited, FormatDefinition, Header, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity

CUCM_CMR_COLUMNS = (
    "cdrRecordType",
    "globalCallID_callManagerId",
    "globalCallID_callId",
    "nodeId",
    "directoryNum",
    "callIdentifier",
    "dateTimeStamp",
    "numberPacketsSent",
    "numberOctetsSent",
    "numberPacketsReceived",
    "numberOctetsReceived",
    "numberPacketsLost",
    "jitter",
    "latency",
    "pkid",
    "directoryNumPartition",
    "globalCallId_ClusterID",
    "deviceName",
    "varVQMetrics",
    "duration",
    "videoContentType",
    "videoDuration",
    "numberVideoPacketsSent",
    "numberVideoOctetsSent",
    "numberVideoPacketsReceived",
    "numberVideoOctetsReceived",
    "numberVideoPacketsLost",
    "videoAverageJitter",
    "videoRoundTripTime",
    "videoOneWayDelay",
    "videoReceptionMetrics",
    "videoTransmissionMetrics",
    "videoContentType_channel2",
    "videoDuration_channel2",
    "numberVideoPacketsSent_channel2",
    "numberVideoOctetsSent_channel2",
    "numberVideoPacketsReceived_channel2",
    "numberVideoOctetsReceived_channel2",
    "numberVideoPacketsLost_channel2",
    "videoAverageJitter_channel2",
    "videoRoundTripTime_channel2",
    "videoOneWayDelay_channel2",
    "videoReceptionMetrics_channel2",
    "videoTransmissionMetrics_channel2",
    "localSessionID",
    "remoteSessionID",
    "headsetSN",
    "headsetMetrics",
)

CISCO_CUCM_CMR = FormatDefinition(
    name="cisco_cucm_cmr",
    vendor="Cisco Unified Communications Manager",
    description="CMR flat file (cmr_*); joined to CDRs for voice quality (varVQMetrics, jitter, loss)",
    columns=CUCM_CMR_COLUMNS,
    layout=Delimited(min_columns=20, header=Header.OPTIONAL, rows_after_header=1),
    time_base=TimeBase.UTC_EPOCH,
    duration_unit="seconds",
    leg_link="joins the CDR on globalCallID_callManagerId + globalCallID_callId, callIdentifier = leg id",
    signature=Signature(
        field_patterns={"cdrRecordType": r"2", "dateTimeStamp": r"\d{9,10}", "varVQMetrics": r".*=.*|"},
        header_names=frozenset({"cdrRecordType", "varVQMetrics"}),
    ),
    validation=Validation(
        required=("callIdentifier",),
        checks=(
            Shape("cdrRecordType", r"[0-2]", "2 (CMR)", optional=False),
            *CALL_ID_SHAPES,
            Shape("dateTimeStamp", EPOCH, EPOCH_WORDS, optional=False),
            Duration("duration"),
        ),
    ),
    # FORMATS.md 6: one CMR per endpoint per call; callIdentifier is the CDR leg id.
    identity=RecordIdentity(
        fields=(
            "globalCallID_callManagerId",
            "globalCallID_callId",
            "callIdentifier",
            "nodeId",
            "deviceName",
            "dateTimeStamp",
        ),
        reason="global call id + callIdentifier (the leg) + node and device (the endpoint) + its time stamp",
    ),
)
