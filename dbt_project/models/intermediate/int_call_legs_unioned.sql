{#-
  Every call leg in the canonical schema (int_call_legs_staged) with its call's local date
  (the date of its first leg's start, so a call that crosses midnight or is transferred
  after midnight stays on the day it began) and its order within the call.
  Incremental by (source, call_date_local): an incremental run stages again only the
  files that hold a leg of a call being rebuilt (those of the scope's days in the previous
  build, and the files loaded since), and the whole reprocessed source(s) when reprocessing.
  A call that shares such a file but has a leg elsewhere takes its date from all its legs
  (the ones not staged again come from this table), so it is kept only if its day is in scope.
  The call's first start and the leg order are windows over the staged legs, read once:
  a join to their own aggregate would read them twice, and DuckDB then materialises them
  whole (every column) first.
  Legs without a call key, a valid start time or their lineage are left out: they are in
  int_call_legs_rejected with their reason (macros/leg_checks.sql), which stages the same
  files and runs first, while this table still holds the previous build.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
-- depends_on: {{ ref('int_rebuild_scope_log') }}
-- depends_on: {{ ref('int_call_legs_rejected') }}
{{ incremental_by_rebuild_scope() }}

{#- the legs staged again: all of them on a first build -#}
{% if is_incremental() -%}
{%- set files = query_column(restaged_files_sql(this)) -%}
{%- set restaged -%}
({{ in_files('landed_file_sha256', files) }} or {{ reprocessed_sources_predicate('source_name') }})
{%- endset -%}
{%- else -%}
{%- set restaged = 'true' -%}
{%- endif %}

with staged as (
    select *
    from {{ ref('int_call_legs_staged') }}
    where {{ leg_rejection_code() }} is null and {{ restaged }}
),

{# the earliest start of each call among its legs not staged again (none on a first build) #}
kept_starts as (
    {% if is_incremental() %}
    select kept.source_name, kept.call_key_in_source, min(kept.started_at_local) as started_at_local
    from {{ this }} as kept
    where kept.call_id in (select staged.call_id from staged)
        and not ({{ in_files('kept.landed_file_sha256', files) }})
        and not ({{ reprocessed_sources_predicate('kept.source_name') }})
    group by kept.source_name, kept.call_key_in_source
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as call_key_in_source,
        cast(null as {{ dbt.type_timestamp() }}) as started_at_local
    where false
    {% endif %}
),

{# windows over the staged legs, not a join to their aggregate: staged is read once, so DuckDB
   does not materialise it (all its columns) to read it twice #}
ordered as (
    select
        staged.*,
        min(staged.started_at_local) over (
            partition by staged.source_name, staged.call_key_in_source
        ) as first_staged_start,
        row_number() over (
            partition by staged.source_name, staged.call_key_in_source
            order by staged.started_at_utc, staged.sequence_in_call, staged.landed_file_sha256, staged.record_no
        ) as leg_order
    from staged
),

dated as (
    select
        ordered.* exclude (first_staged_start, leg_order),  -- noqa: RF02
        cast(
            case
                when kept_starts.started_at_local < ordered.first_staged_start then kept_starts.started_at_local
                else ordered.first_staged_start
            end as date
        ) as call_date_local,
        ordered.leg_order
    from ordered
    left join kept_starts
        on ordered.source_name = kept_starts.source_name
        and ordered.call_key_in_source = kept_starts.call_key_in_source
)

select dated.*
from dated
{{ rebuild_scope_join('dated.source_name', 'dated.call_date_local') }}
{{ clustered_by_call_day() }}
