{#- One typed row per Asterisk cdr_custom CDR (a call leg); times are the site's local wall clock. -#}
with source as (
    select * from {{ source('asterisk_cdr_custom', 'asterisk_cdr_custom') }}
),

renamed as (
    select
        _source as source_name,
        _file_sha256 as landed_file_sha256,
        _landed_path as landed_path,
        _record_no as record_no,
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
        nullif(userfield, '') as user_field,
        coalesce(nullif(linkedid, ''), nullif(uniqueid, '')) as linked_id,
        try_cast("sequence" as bigint) as cdr_sequence,
        try_strptime("start", '%Y-%m-%d %H:%M:%S') as started_at_local,
        try_strptime(nullif(answer, ''), '%Y-%m-%d %H:%M:%S') as answered_at_local,
        try_strptime("end", '%Y-%m-%d %H:%M:%S') as ended_at_local,
        try_cast(duration as integer) as duration_seconds,
        try_cast(billsec as integer) as billable_seconds
    from source
)

select
    *,
    {{ asterisk_leg_disposition('disposition_text') }} as leg_disposition,
    {{ asterisk_channel_endpoint('channel') }} as channel_endpoint,
    {{ asterisk_channel_endpoint('dst_channel') }} as dst_channel_endpoint
from renamed
