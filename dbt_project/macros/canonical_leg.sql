{#-
  Pieces of the canonical leg schema that every format's branch of
  int_call_legs_unioned selects the same way.
-#}

{#- Where the leg came from (source, format, landed file, record number) and its load-time quality flags. -#}
{% macro leg_lineage(pbx_format) -%}
source_name, '{{ pbx_format }}' as pbx_format, landed_file_sha256, landed_path, record_no, quality_flags
{%- endmacro %}

{#- For formats that stamp the site's wall clock: UTC is derived later from the site's time zone. -#}
{% macro local_times_only() -%}
started_at_local, answered_at_local, ended_at_local,
        null::timestamp as started_at_utc, null::timestamp as answered_at_utc, null::timestamp as ended_at_utc
{%- endmacro %}

{#- Outcome, talk time, account code and both numbers as the staging model names them. -#}
{% macro leg_outcome_and_parties() -%}
leg_disposition, billable_seconds, account_code, caller_number, called_number
{%- endmacro %}

{#-
  A whole branch for the Asterisk family (cdr_csv, cdr_custom, the cdr table): legs share
  linkedid, channel names carry the trunk or the extension, a Queue() app names the queue.
  The endpoints are the whole channel names (SIP/carrierA-0000001f), which trunk patterns match;
  the extension is the channel's peer.
-#}
{% macro asterisk_leg_branch(staging_model, pbx_format, where='true', extra_columns=none) -%}
    select
        {{ leg_lineage(pbx_format) }},
        linked_id as call_key_in_source, cdr_sequence as sequence_in_call,
        {{ local_times_only() }},
        {{ leg_outcome_and_parties() }},
        channel as from_endpoint, dst_channel as to_endpoint,
        channel_endpoint as from_extension, dst_channel_endpoint as to_extension,
        case when last_application = 'Queue' then split_part(last_application_data, ',', 1) end as queue_name
        {%- if extra_columns %},
        {{ extra_columns }}{% endif %}
    from {{ ref(staging_model) }}
    where {{ where }}
{%- endmacro %}

{#-
  The lineage columns every raw table carries, renamed for staging (optionally from a table alias),
  and the flags validation at load gave the record (comma-separated, null when clean:
  duration_over_max:<field>, text_replaced:<field>).
-#}
{% macro raw_lineage(alias=none) -%}
{%- set p = alias ~ '.' if alias else '' -%}
{{ p }}_source as source_name,
        {{ p }}_file_sha256 as landed_file_sha256,
        {{ p }}_landed_path as landed_path,
        {{ p }}_record_no as record_no,
        {{ p }}_flags as quality_flags
{%- endmacro %}

{#- Two records' flags as one list (a record paired with another: Panasonic CO-to-CO). -#}
{% macro merged_flags(first, second) -%}
nullif(concat_ws(',', {{ first }}, {{ second }}), '')
{%- endmacro %}

{#-
  A format's raw records without those seen before (ingestion/raw/record_identity.py flags a record
  whose identity its source loaded already: _duplicate_of names the first; raw.record_duplicates
  lists them): staging reads raw through it, so a replayed record never becomes a second leg.
-#}
{% macro raw_records(relation) -%}
select * from (select * from {{ relation }} where _duplicate_of is null) as raw_records
{%- endmacro %}
