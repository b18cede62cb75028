{#- Branch (site) versions by the day the warehouse learned of them. -#}
with versions as (
    {{ versions_from_snapshot(ref('snap_config__sites'), 'site_id') }}
)

select
    {{ surrogate_key(['site_id', 'valid_from']) }} as branch_key,
    site_id,
    site_name,
    site_timezone,
    site_country,
    pbx,
    tariff_plan,
    valid_from,
    valid_to,
    dbt_valid_from as recorded_at
from versions
