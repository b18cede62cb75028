{#-
  One typed row per Grandstream UCM CDR object. The main_cdr of a multi-leg record is a
  summary of its sub_cdrs (its billsec is their sum) and a leg that picks up a parked call
  (lastapp ParkedCall) is the picking phone's view of the parked caller's leg: both are
  kept here but flagged, never counted as legs. Which call a leg belongs to follows from
  the other records of its channel (int_grandstream_ucm_api__legs). The parked
  caller's own leg (lastapp Park) is its time parked (park_seconds); the UCM writes no hold time.
-#}
with source as (
    {{ raw_records(source('grandstream_ucm_api', 'grandstream_ucm_api')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        nullif(cdr_part, '') as cdr_part,
        try_cast(nullif(AcctId, '') as bigint) as acct_id,
        nullif(uniqueid, '') as unique_id,
        "session" as session_id,
        src as caller_number,
        dst as called_number,
        nullif(accountcode, '') as account_code,
        nullif(lastapp, '') as last_application,
        action_type,
        upper(trim(disposition)) as disposition_text,
        userfield as pbx_direction,
        nullif(src_trunk_name, '') as src_trunk_name,
        nullif(dst_trunk_name, '') as dst_trunk_name,
        nullif(channel_ext, '') as channel_extension,
        nullif(dstchannel_ext, '') as dst_channel_extension,
        nullif(dstchannel, '') as dst_channel,
        nullif(rtrim(recordfiles, '@'), '') as recording_files,
        try_strptime("start", '%Y-%m-%d %H:%M:%S') as started_at_local,
        try_strptime(nullif(answer, ''), '%Y-%m-%d %H:%M:%S') as pbx_answered_at_local,
        try_strptime(nullif("end", ''), '%Y-%m-%d %H:%M:%S') as ended_at_local,
        try_cast(duration as integer) as duration_seconds,
        coalesce(try_cast(billsec as integer), 0) as billable_seconds
    from source
),

flagged as (
    select
        *,
        coalesce(cdr_part = 'main_cdr', false) as is_call_summary,
        coalesce(last_application = 'ParkedCall', false) as is_parked_call_pickup,
        {# ForkCDR marks the PBX's own ring group / IVR entry: answered only if it carried talk #}
        case
            when disposition_text = 'ANSWERED' and (billable_seconds > 0 or last_application <> 'ForkCDR')
                then 'answered'
            when disposition_text = 'BUSY' then 'busy'
            when disposition_text in ('FAILED', 'CONGESTION') then 'failed'
            else 'no_answer'
        end as leg_disposition
    from renamed
)

select
    *,
    not is_call_summary and not is_parked_call_pickup as counts_as_leg,
    case when leg_disposition = 'answered' then pbx_answered_at_local end as answered_at_local,
    {{ parked_leg_seconds() }}
from flagged
