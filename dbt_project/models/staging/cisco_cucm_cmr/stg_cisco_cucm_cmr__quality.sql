{#-
  Voice quality per endpoint per call from Cisco UCM CMRs. A CMR joins its CDR on the
  global call id (callManagerId-callId, as call_key_in_source in the CDR legs) and
  callIdentifier = the CDR's origLegCallIdentifier or destLegIdentifier. varVQMetrics is
  a 'key=value;…' list, read by key (macros/key_value.sql: a regular expression per key is
  about 400 times faster in DuckDB than a map of every pair); the conceal ratios (CCR, ICR,
  ICRmx), concealed seconds (CS, SCS), the MOS estimates (MLQK…, when the phone reports
  them), maxJitter and the receive codec are typed here.
-#}
with source as (
    {{ raw_records(source('cisco_cucm_cmr', 'cisco_cucm_cmr')) }}
    where cdrRecordType = '2'
),

renamed as (
    select
        {{ raw_lineage() }},
        globalCallID_callManagerId || '-' || globalCallID_callId as call_key_in_source,
        callIdentifier as leg_identifier,
        nullif(directoryNum, '') as directory_number,
        nullif(deviceName, '') as device_name,
        pkid,
        make_timestamp(try_cast(dateTimeStamp as bigint) * 1000000) as recorded_at_utc,
        try_cast(duration as integer) as duration_seconds,
        try_cast(numberPacketsSent as bigint) as packets_sent,
        try_cast(numberPacketsReceived as bigint) as packets_received,
        try_cast(numberPacketsLost as bigint) as packets_lost,
        try_cast(jitter as integer) as jitter_ms,
        try_cast(latency as integer) as latency_ms,
        varVQMetrics as vq_metrics
    from source
)

select
    * exclude (vq_metrics),
    case
        when packets_received + packets_lost > 0 then packets_lost / cast(packets_received + packets_lost as double)
    end as packet_loss_ratio,
    try_cast({{ key_value('vq_metrics', 'CCR') }} as double) as cumulative_conceal_ratio,
    try_cast({{ key_value('vq_metrics', 'ICR') }} as double) as interval_conceal_ratio,
    try_cast({{ key_value('vq_metrics', 'ICRmx') }} as double) as max_interval_conceal_ratio,
    try_cast({{ key_value('vq_metrics', 'CS') }} as integer) as conceal_seconds,
    try_cast({{ key_value('vq_metrics', 'SCS') }} as integer) as severely_conceal_seconds,
    try_cast({{ key_value('vq_metrics', 'MLQK') }} as double) as mos_listening_quality,
    try_cast({{ key_value('vq_metrics', 'MLQKmn') }} as double) as mos_listening_quality_min,
    try_cast({{ key_value('vq_metrics', 'MLQKmx') }} as double) as mos_listening_quality_max,
    try_cast({{ key_value('vq_metrics', 'maxJitter') }} as integer) as max_jitter_ms,
    {{ key_value('vq_metrics', 'VoRxCodec') }} as receive_codec
from renamed
