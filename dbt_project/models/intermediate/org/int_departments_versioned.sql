{#- Department versions by the day the warehouse learned of them (HR gives departments no dates). -#}
with versions as (
    {{ versions_from_snapshot(ref('snap_directory__departments'), 'department_id') }}
)

select
    {{ surrogate_key(['department_id', 'valid_from']) }} as department_key,
    department_id,
    department_name,
    parent_department_id,
    site_id,
    valid_from,
    valid_to,
    dbt_valid_from as recorded_at
from versions
