{#-
  The canonical call leg: the one shape every PBX format's intermediate model
  (models/intermediate/legs/int_<format>__legs) maps its staged records onto, and that
  int_call_legs_mapped unions. Its contract is _legs__models.yml (enforced); the names and
  types below are the same list, in the same order, for the SQL.
-#}

{#- Every PBX format that has a canonical leg model, in the order int_call_legs_mapped unions them. -#}
{% macro leg_formats() -%}
{{ return([
    'asterisk_cdr_csv', 'cisco_cucm_cdr', 'avaya_ipoffice_smdr', 'asterisk_cdr_custom', 'asterisk_cdr_db',
    'threecx_cdr', 'freeswitch_cdr_csv', 'mitel_5000_smdr', 'mitel_mivb_smdr', 'avaya_cm_cdr',
    'panasonic_smdr', 'nec_smdr', 'grandstream_ucm_api',
]) }}
{%- endmacro %}

{#- The canonical leg's columns as (name, type), in order. -#}
{% macro canonical_leg_columns() -%}
{%- set text, bigint, int, ts, flag = dbt.type_string(), dbt.type_bigint(), dbt.type_int(), dbt.type_timestamp(), dbt.type_boolean() -%}
{{ return([
    ('source_name', text), ('pbx_format', text), ('landed_file_sha256', text), ('landed_path', text),
    ('record_no', bigint), ('quality_flags', text),
    ('call_key_in_source', text), ('sequence_in_call', bigint),
    ('started_at_local', ts), ('answered_at_local', ts), ('ended_at_local', ts),
    ('started_at_utc', ts), ('answered_at_utc', ts), ('ended_at_utc', ts),
    ('written_times', text), ('start_to_end_seconds', int), ('answer_to_end_seconds', int),
    ('pbx_epoch_utc', ts), ('written_at_utc', ts), ('talk_is_end_minus_start', flag),
    ('leg_disposition', text), ('billable_seconds', int), ('account_code', text),
    ('caller_number', text), ('called_number', text),
    ('from_endpoint', text), ('to_endpoint', text), ('from_extension', text), ('to_extension', text),
    ('to_is_external', flag), ('queue_name', text), ('record_part', text), ('recording_ref', text),
    ('hold_seconds', int), ('park_seconds', int), ('released_by', text),
]) }}
{%- endmacro %}

{#- Columns a format does not write: typed nulls, named as the canonical leg names them. -#}
{% macro not_written(names) -%}
{%- set types = dict(canonical_leg_columns()) -%}
{%- for name in names %}
        cast(null as {{ types[name] }}) as {{ name }}{{ ',' if not loop.last }}
{%- endfor %}
{%- endmacro %}

{#-
  The canonical legs of every format, one branch per format model, each selecting the
  columns by name in the canonical order (so a branch's column order cannot shift the union).
-#}
{% macro union_canonical_legs(formats) -%}
{%- set columns = canonical_leg_columns() | map(attribute=0) | list -%}
{%- for format in formats %}
select {{ columns | join(', ') }}
from {{ ref('int_' ~ format ~ '__legs') }}
{{ 'union all' if not loop.last }}
{%- endfor %}
{%- endmacro %}

{#- Where the leg came from (source, format, landed file, record number) and its load-time quality flags. -#}
{% macro leg_lineage(pbx_format) -%}
source_name, '{{ pbx_format }}' as pbx_format, landed_file_sha256, landed_path, record_no, quality_flags
{%- endmacro %}

{#- For formats that stamp the site's wall clock: UTC is derived later from the site's time zone. -#}
{% macro local_times_only() -%}
started_at_local, answered_at_local, ended_at_local,
{{- not_written(['started_at_utc', 'answered_at_utc', 'ended_at_utc']) }}
{%- endmacro %}

{#-
  For formats whose every record is a call of its own, stamped with the site's wall clock: the key
  is the record itself (landed file and record number); ``written_times`` says which of the times
  the PBX wrote. It writes no durations linking them, no UTC instant and no write time.
-#}
{% macro record_is_its_own_call(written_times) -%}
landed_file_sha256 || ':' || record_no as call_key_in_source,
    record_no as sequence_in_call,
    {{ local_times_only() }},
    '{{ written_times }}' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds', 'pbx_epoch_utc', 'written_at_utc']) }}
{%- endmacro %}

{#- Outcome, talk time, account code and both numbers as the staging model names them. -#}
{% macro leg_outcome_and_parties() -%}
leg_disposition, billable_seconds, account_code, caller_number, called_number
{%- endmacro %}

{#-
  The Asterisk family (cdr_csv, cdr_custom, the cdr table) as canonical legs: legs share
  linkedid, channel names carry the trunk or the extension, a Queue() app names the queue.
  The endpoints are the whole channel names (SIP/carrierA-0000001f), which trunk patterns match;
  the extension is the channel's peer. The CSV files write start, answer and end with both
  durations; the cdr table only the start (staging derives the others) and a recording file.
-#}
{% macro asterisk_canonical_legs(staging_model, pbx_format, from_table=false) -%}
with legs as (
    select * from {{ ref(staging_model) }}
    {%- if from_table %}
    where is_call_record
    {%- endif %}
)

select
    {{ leg_lineage(pbx_format) }},
    linked_id as call_key_in_source,
    cdr_sequence as sequence_in_call,
    {{ local_times_only() }},
    {%- if from_table %}
    'start' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds']) }},
    {%- else %}
    'start_answer_end' as written_times,
    duration_seconds as start_to_end_seconds,
    billable_seconds as answer_to_end_seconds,
    {%- endif %}
    {{ epoch_in_asterisk_uniqueid('unique_id') }} as pbx_epoch_utc,
    {{- not_written(['written_at_utc', 'talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    channel as from_endpoint,
    dst_channel as to_endpoint,
    channel_endpoint as from_extension,
    dst_channel_endpoint as to_extension,
    {{- not_written(['to_is_external']) }},
    case when last_application = 'Queue' then split_part(last_application_data, ',', 1) end as queue_name,
    {{- not_written(['record_part']) }},
    {{ 'recording_file' if from_table else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as recording_ref,
    {{- not_written(['hold_seconds']) }},
    {{ parked_leg_seconds() }},
    {{- not_written(['released_by']) }}
from legs
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
