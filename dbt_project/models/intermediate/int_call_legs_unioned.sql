{#-
  Every call leg in the canonical schema (int_call_legs_staged) with its call's local date
  (the date of its first leg's start, so a call that crosses midnight or is transferred
  after midnight stays on the day it began) and its order within the call.
  Incremental by (source, call_date_local): an incremental run stages again only the
  files that hold a leg of a call being rebuilt (those of the scope's days in the previous
  build, and the files loaded since), and the whole reprocessed source(s) when reprocessing.
  A call that shares such a file but has a leg elsewhere takes its date from all its legs
  (the ones not staged again come from this table), so it is kept only if its day is in scope.
  Legs without a call key, a valid start time or their lineage are left out: they are in
  int_call_legs_rejected with their reason (macros/leg_checks.sql), which stages the same
  files and runs first, while this table still holds the previous build.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
-- depends_on: {{ ref('int_call_legs_rejected') }}
{{ incremental_by_rebuild_scope() }}

{% if is_incremental() -%}
{%- set files = query_column(restaged_files_sql(this)) -%}
{%- endif %}

with staged as (
    select *
    from {{ ref('int_call_legs_staged') }}
    where {{ leg_rejection_code() }} is null
        {% if is_incremental() -%}
        and ({{ in_files('landed_file_sha256', files) }} or {{ reprocessed_sources_predicate('source_name') }})
        {%- endif %}
),

leg_starts as (
    select source_name, call_key_in_source, started_at_local
    from staged
    {% if is_incremental() %}
    union all
    select kept.source_name, kept.call_key_in_source, kept.started_at_local
    from {{ this }} as kept
    where kept.call_id in (select staged.call_id from staged)
        and not ({{ in_files('kept.landed_file_sha256', files) }})
        and not ({{ reprocessed_sources_predicate('kept.source_name') }})
    {% endif %}
),

call_days as (
    select source_name, call_key_in_source, cast(min(started_at_local) as date) as call_date_local
    from leg_starts
    group by source_name, call_key_in_source
)

select
    staged.*,
    call_days.call_date_local,
    row_number() over (
        partition by staged.source_name, staged.call_key_in_source
        order by staged.started_at_utc, staged.sequence_in_call, staged.landed_file_sha256, staged.record_no
    ) as leg_order
from staged
inner join call_days
    on staged.source_name = call_days.source_name
    and staged.call_key_in_source = call_days.call_key_in_source
{{ rebuild_scope_join('staged.source_name', 'call_days.call_date_local') }}
