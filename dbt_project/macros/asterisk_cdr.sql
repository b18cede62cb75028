{#- Asterisk's disposition text (cdr_csv, cdr_custom, cdr table) as a canonical leg disposition. -#}
{% macro asterisk_leg_disposition(disposition) -%}
case upper(trim({{ disposition }}))
    when 'ANSWERED' then 'answered'
    when 'NO ANSWER' then 'no_answer'
    when 'BUSY' then 'busy'
    when 'FAILED' then 'failed'
    when 'CONGESTION' then 'failed'
end
{%- endmacro %}

{#-
  The peer or device of an Asterisk channel name, which names a trunk or an extension:
  'PJSIP/telekom-0000001a' -> 'telekom'; 'Local/2101@ctx-00000001;2' -> '2101@ctx'.
-#}
{% macro asterisk_channel_endpoint(channel) -%}
nullif(regexp_extract({{ channel }}, '^[^/]+/(.+)-[0-9a-fA-F]+(;[0-9])?$', 1), '')
{%- endmacro %}


{#-
  Asterisk's CDR files (cdr_csv Master.csv and cdr_custom) typed: one row per CDR, i.e. one
  call leg; the same field names whatever their order in the file. Times are the site's
  local wall clock.
-#}
{% macro asterisk_cdr_file_legs(source_relation) -%}
with source as (
    {{ raw_records(source_relation) }}
),

renamed as (
    select
        {{ raw_lineage() }},
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
{%- endmacro %}
