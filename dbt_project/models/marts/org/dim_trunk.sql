{#- Trunks of config/sites.yml, versioned by when the warehouse learned of a change. -#}
with trunks as (
    {{ versions_from_snapshot(ref('snap_config__trunks'), 'trunk_id') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
)

select
    {{ surrogate_key(['trunks.trunk_id', 'trunks.valid_from']) }} as trunk_key,
    trunks.trunk_id,
    trunks.site_id,
    branches.branch_key,
    trunks.carrier as carrier_id,
    {{ surrogate_key(['trunks.carrier']) }} as carrier_key,
    trunks.pbx_name,
    trunks.channels,
    trunks.valid_from,
    trunks.valid_to,
    trunks.valid_to = date '9999-12-31' as is_current,
    trunks.dbt_valid_from as recorded_at
from trunks
left join branches
    on trunks.site_id = branches.site_id
    and {{ is_valid_at('branches', 'trunks.valid_from') }}
