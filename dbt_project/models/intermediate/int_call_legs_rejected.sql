{#-
  The legs kept out of the calls, with their source, landed file, line and reason:
  - canonical legs (int_call_legs_staged) without a call key, a valid start time or their
    lineage (macros/leg_checks.sql): int_call_legs_unioned leaves them out, so one
    source's bad record cannot break the invariants of the calls (unique and not null
    call ids, a call day for every leg) and the good legs of every source go on;
  - raw records int_call_legs_staged cannot join: a source that is not configured (e.g.
    renamed in sources.yml after its files were loaded) or a file missing from
    raw.loaded_files.
  Incremental by landed file, in step with int_call_legs_unioned: it stages the same files
  (it runs first, so both read the same previous build); the unmatched records are found
  again in every build (a scan of the raw tables' lineage columns only).
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_replacing("delete from {{ this }} where {{ rejected_legs_replaced_predicate() }}") }}

{%- set unioned = previous_build('intermediate', 'int_call_legs_unioned') -%}
{%- set restage_some = is_incremental() and unioned is not none -%}
{%- if restage_some -%}
{%- set files = query_column(restaged_files_sql(unioned)) -%}
{%- endif %}

with staged as (
    select
        source_name,
        pbx_format,
        landed_file_sha256,
        landed_path,
        record_no,
        leg_id,
        call_id,
        {{ leg_rejection_code() }} as reason_code
    from {{ ref('int_call_legs_staged') }}
    {% if restage_some -%}
    where {{ in_files('landed_file_sha256', files) }} or {{ reprocessed_sources_predicate('source_name') }}
    {%- endif %}
),

{# configured_sources and loaded_files are read by unmatched_raw_records(), whose SQL comes from the
   graph at execution: empty while parsing, so sqlfluff sees them unused #}
configured_sources as (  -- noqa: ST03
    select sources.source_name
    from {{ ref('stg_config__sources') }} as sources
    inner join {{ ref('stg_config__sites') }} as sites on sources.site_id = sites.site_id
),

loaded_files as (  -- noqa: ST03
    select source as source_name, sha256 as landed_file_sha256
    from {{ source('raw', 'loaded_files') }}
),

unmatched as (
    {{ unmatched_raw_records('configured_sources', 'loaded_files') }}
),

rejected as (
    select source_name, pbx_format, landed_file_sha256, landed_path, record_no, leg_id, call_id, reason_code
    from staged
    where reason_code is not null
    union all
    select
        source_name,
        pbx_format,
        landed_file_sha256,
        landed_path,
        record_no,
        cast(null as varchar) as leg_id,
        cast(null as varchar) as call_id,
        reason_code
    from unmatched
)

select
    source_name,
    pbx_format,
    landed_file_sha256,
    landed_path,
    record_no,
    leg_id,
    call_id,
    reason_code,
    {{ leg_rejection_reason('reason_code') }} as rejection_reason,
    cast('{{ run_started_at }}' as timestamp with time zone) as rejected_at
from rejected
