{#- Calls per site, local day, direction, outcome and trunk: the grain most dashboards start from. -#}
select
    site_id,
    call_date_local,
    direction,
    disposition,
    trunk_id,
    carrier,
    currency,
    cast(count(*) as integer) as calls,
    cast(sum(talk_seconds) as bigint) as talk_seconds,
    cast(sum(ring_seconds) as bigint) as ring_seconds,
    cast(sum(coalesce(cost, 0)) as decimal(18, 4)) as cost
from {{ ref('fct_calls') }}
group by all
