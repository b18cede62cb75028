{#-
  Department versions. Dated departments (a snapshot series) carry their own
  validity: the open rows of their snapshot, as for HR rows. Undated ones (an
  export of "now") are versioned by the day the warehouse learned of a change
  (macro versions_from_snapshot). A department is one or the other; if it
  was undated once and is dated now, its dated versions win.
-#}
with learned as (
    {{ versions_from_snapshot(ref('snap_directory__departments'), 'department_id') }}
),

dated as (
    select * from {{ ref('snap_directory__department_versions') }}
    where dbt_valid_to is null
),

versions as (
    select department_id, department_name, parent_department_id, site_id, valid_from, valid_to, dbt_valid_from
    from dated
    union all
    select department_id, department_name, parent_department_id, site_id, valid_from, valid_to, dbt_valid_from
    from learned
    where department_id not in (select dated.department_id from dated)
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
