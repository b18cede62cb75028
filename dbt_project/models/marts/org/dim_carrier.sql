{#- Carriers: those with trunks and those with a tariff plan (a candidate carrier may have no trunk yet). -#}
with trunk_counts as (
    select carrier, cast(count(*) as integer) as trunk_count
    from {{ ref('stg_config__trunks') }}
    group by carrier
),

plans as (
    select
        carrier,
        string_agg(distinct plan_id, ', ' order by plan_id) as tariff_plans,
        string_agg(distinct currency, ', ' order by currency) as currencies
    from {{ ref('stg_config__tariff_rates') }}
    group by carrier
),

carriers as (
    select carrier from trunk_counts
    union
    select carrier from plans
)

select
    {{ surrogate_key(['carriers.carrier']) }} as carrier_key,
    carriers.carrier as carrier_id,
    plans.tariff_plans,
    plans.currencies,
    coalesce(trunk_counts.trunk_count, 0) as trunk_count
from carriers
left join trunk_counts on carriers.carrier = trunk_counts.carrier
left join plans on carriers.carrier = plans.carrier
