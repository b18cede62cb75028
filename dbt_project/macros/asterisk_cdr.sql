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
  Whether an Asterisk channel is one half of a channel pair Asterisk makes inside itself: a
  Local channel ('Local/201@from-internal-0000abcd;1') or another channel of the same driver
  (main/core_unreal.c names both halves '<type>/<name>-<seq>;1' and ';2'). Dialling
  Local/exten@context dials back into the PBX's own dialplan: ;1 is the half the dialling channel
  is connected to, ;2 runs the dialplan at exten@context like a new call and dials on from there.
  Such a channel is neither a trunk nor an extension's phone: on a CDR with one on a side, the
  party there is the PBX's own dialplan (ingestion/raw/sample_legs.py: internal_channel).
-#}
{% macro asterisk_internal_channel(channel) -%}
coalesce(regexp_matches({{ channel }}, '^[^/]+/.+-[0-9a-fA-F]+;[12]$'), false)
{%- endmacro %}

{#-
  The peer or device of an Asterisk channel name, which names a trunk or an extension:
  'PJSIP/telekom-0000001a' -> 'telekom'. Null for a half of an internal pair
  ('Local/ch1@TimeDelay-00000000;2': a dialplan extension, no phone; asterisk_internal_channel).
-#}
{% macro asterisk_channel_endpoint(channel) -%}
nullif(regexp_extract({{ channel }}, '^[^/]+/(.+)-[0-9a-fA-F]+$', 1), '')
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
