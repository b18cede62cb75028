{#- One typed row per Asterisk CDR (a call leg); times are the site's local wall clock. -#}
with source as (
    select * from {{ source('asterisk_cdr_csv', 'asterisk_cdr_csv') }}
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
        "start" as start_text,
        nullif(answer, '') as answer_text,
        "end" as end_text,
        duration as duration_text,
        billsec as billsec_text,
        upper(trim(disposition)) as disposition_text,
        amaflags as ama_flags,
        nullif(uniqueid, '') as unique_id,
        nullif(userfield, '') as user_field,
        coalesce(nullif(linkedid, ''), nullif(uniqueid, '')) as linked_id,
        try_cast("sequence" as bigint) as cdr_sequence
    from source
),

typed as (
    select
        *,
        try_strptime(start_text, '%Y-%m-%d %H:%M:%S') as started_at_local,
        try_strptime(answer_text, '%Y-%m-%d %H:%M:%S') as answered_at_local,
        try_strptime(end_text, '%Y-%m-%d %H:%M:%S') as ended_at_local,
        try_cast(duration_text as integer) as duration_seconds,
        try_cast(billsec_text as integer) as billable_seconds,
        case disposition_text
            when 'ANSWERED' then 'answered'
            when 'NO ANSWER' then 'no_answer'
            when 'BUSY' then 'busy'
            when 'FAILED' then 'failed'
            when 'CONGESTION' then 'failed'
        end as leg_disposition,
        {# 'PJSIP/telekom-0000001a' -> 'telekom'; 'Local/2101@ctx-00000001;2' -> '2101@ctx' #}
        nullif(regexp_extract(channel, '^[^/]+/(.+)-[0-9a-fA-F]+(;[0-9])?$', 1), '') as channel_endpoint,
        nullif(regexp_extract(dst_channel, '^[^/]+/(.+)-[0-9a-fA-F]+(;[0-9])?$', 1), '') as dst_channel_endpoint
    from renamed
)

select * exclude (start_text, answer_text, end_text, duration_text, billsec_text)
from typed
