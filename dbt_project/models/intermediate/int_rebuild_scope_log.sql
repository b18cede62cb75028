{#-
  Every build's rebuild scope, kept for the publish (orchestration/serving/rebuild_log.py): one
  'build' row per build, numbered, and a 'group' row per (source, local call date) it rebuilt in
  the call-level models, so that a publish after builds it skipped still knows every group they
  changed. A build that may have rebuilt more than its scope (the first one, a full refresh) logs
  one 'everything' row instead; so does the run's end hook (log_unlogged_rebuilds) when a
  call-level model was built without this log.
  Appended to, never rebuilt (full_refresh false): a full refresh is logged, not lost. Only the
  newest var('rebuild_log_builds_kept') builds are kept (post-hook): a publish that has not
  consumed a pruned build compares every group, as it does without a log. The call-level
  models come after it (int_call_legs_unioned depends on it), so a build that fails half-way has
  already logged what it may have changed.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook="delete from {{ this }} where build_id <= (select max(kept.build_id) from {{ this }} as kept)
        - {{ var('rebuild_log_builds_kept') | int }}",
) }}
{%- set everything = flags.FULL_REFRESH or not is_incremental() -%}

with build as (
    select
        {% if is_incremental() -%}
        (select coalesce(max(previous_builds.build_id), 0) from {{ this }} as previous_builds) + 1
        {%- else -%}1{%- endif %} as build_id,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id,
        {{ dbt.current_timestamp() }} as built_at
)

select
    build.build_id,
    build.invocation_id,
    build.built_at,
    cast('{{ "everything" if everything else "build" }}' as {{ dbt.type_string() }}) as entry,
    cast(null as {{ dbt.type_string() }}) as source_name,
    cast(null as date) as call_date_local
from build
{% if not everything %}
union all
select
    build.build_id,
    build.invocation_id,
    build.built_at,
    cast('group' as {{ dbt.type_string() }}) as entry,
    scope.source_name,
    scope.call_date_local
from build
cross join {{ ref('int_rebuild_scope') }} as scope
{% endif %}
