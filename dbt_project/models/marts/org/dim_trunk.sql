{#-
  Trunks of config/sites.yml, versioned by when the warehouse learned of a change. The current
  version shows the LIKE patterns the warehouse matches endpoints with (stg_config__trunk_match_patterns,
  as int_call_legs_staged applies them): most specific first, each with its precedence in the site.
-#}
with trunks as (
    {{ versions_from_snapshot(ref('snap_config__trunks'), 'trunk_id') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
),

match_patterns as (
    select
        site_id,
        trunk_id,
        {{ dbt.listagg(
            "like_pattern || ' [' || cast(precedence as " ~ dbt.type_string() ~ ") || ']'",
            "'; '", 'order by precedence') }} as match_patterns
    from {{ ref('stg_config__trunk_match_patterns') }}
    group by site_id, trunk_id
)

select
    {{ surrogate_key(['trunks.trunk_id', 'trunks.valid_from']) }} as trunk_key,
    trunks.trunk_id,
    trunks.site_id,
    branches.branch_key,
    trunks.carrier as carrier_id,
    {{ surrogate_key(['trunks.carrier']) }} as carrier_key,
    trunks.pbx_name,
    case when trunks.valid_to = date '9999-12-31' then match_patterns.match_patterns end as match_patterns,
    trunks.channels,
    trunks.valid_from,
    trunks.valid_to,
    trunks.valid_to = date '9999-12-31' as is_current,
    trunks.dbt_valid_from as recorded_at
from trunks
left join branches
    on trunks.site_id = branches.site_id
    and {{ is_valid_at('branches', 'trunks.valid_from') }}
left join match_patterns
    on trunks.site_id = match_patterns.site_id and trunks.trunk_id = match_patterns.trunk_id
