{#-
  Calls per site, local day, direction, outcome and trunk: the grain most dashboards start from.
  Incremental by local day: every day the rebuild scope has (for any source) is aggregated
  again whole, from all its calls (macros/rebuild_scope.sql, incremental_by_rebuilt_days).
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuilt_days() }}

select
    calls.site_id,
    calls.call_date_local,
    calls.direction,
    calls.disposition,
    calls.trunk_id,
    calls.carrier,
    calls.currency,
    cast(count(*) as integer) as calls,
    cast(sum(calls.talk_seconds) as bigint) as talk_seconds,
    cast(sum(calls.ring_seconds) as bigint) as ring_seconds,
    cast(sum(coalesce(calls.cost, 0)) as decimal(18, 4)) as cost
from {{ ref('fct_calls') }} as calls
{% if is_incremental() -%}
where calls.call_date_local in (select scope.call_date_local from {{ rebuild_scope_relation() }} as scope)
{% endif -%}
group by all
