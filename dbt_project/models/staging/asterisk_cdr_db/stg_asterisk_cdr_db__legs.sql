{#-
  One typed row per row of the Asterisk cdr table (a call leg). The table stores only
  calldate (the leg's start, local wall clock): answer = calldate + duration - billsec
  when the leg was answered, end = calldate + duration.
-#}
with source as (
    {{ raw_records(source('asterisk_cdr_db', 'asterisk_cdr_db')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        nullif(id, '') as row_id,
        nullif(accountcode, '') as account_code,
        src as caller_number,
        dst as called_number,
        dcontext as dialplan_context,
        clid as caller_id,
        channel,
        nullif(dstchannel, '') as dst_channel,
        lastapp as last_application,
        lastdata as last_application_data,
        disposition as disposition_text,
        nullif(uniqueid, '') as unique_id,
        nullif(did, '') as did,
        nullif(recordingfile, '') as recording_file,
        coalesce(nullif(linkedid, ''), nullif(uniqueid, '')) as linked_id,
        try_cast("sequence" as bigint) as cdr_sequence,
        {# MySQL's zero date (0000-00-00 00:00:00) does not parse: no call in that row #}
        try_strptime(calldate, '%Y-%m-%d %H:%M:%S') as started_at_local,
        coalesce(try_cast(duration as integer), 0) as duration_seconds,
        coalesce(try_cast(billsec as integer), 0) as billable_seconds
    from source
),

typed as (
    select
        *,
        {{ asterisk_leg_disposition('disposition_text') }} as leg_disposition,
        {{ asterisk_channel_endpoint('channel') }} as channel_endpoint,
        {{ asterisk_channel_endpoint('dst_channel') }} as dst_channel_endpoint
    from renamed
)

select
    *,
    case
        when leg_disposition = 'answered'
            then started_at_local + to_seconds(duration_seconds - billable_seconds)
    end as answered_at_local,
    started_at_local + to_seconds(duration_seconds) as ended_at_local,
    started_at_local is not null and linked_id is not null as is_call_record
from typed
