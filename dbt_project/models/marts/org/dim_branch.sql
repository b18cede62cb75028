{#- Branches are the sites of config/sites.yml, versioned by when the warehouse learned of a change. -#}
select
    branch_key,
    site_id,
    site_name as branch_name,
    site_timezone,
    site_country,
    pbx,
    tariff_plan,
    valid_from,
    valid_to,
    valid_to = date '9999-12-31' as is_current,
    recorded_at
from {{ ref('int_branches_versioned') }}
