with departments as (
    select * from {{ ref('int_departments_versioned') }}
),

paths as (
    select * from {{ ref('int_department_paths_current') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
)

select
    departments.department_key,
    departments.department_id,
    departments.department_name,
    departments.parent_department_id,
    paths.department_level,
    paths.department_path,
    departments.site_id,
    branches.branch_key,
    departments.valid_from,
    departments.valid_to,
    departments.valid_to = date '9999-12-31' as is_current,
    departments.recorded_at
from departments
left join paths on departments.department_id = paths.department_id
left join branches
    on departments.site_id = branches.site_id
    and {{ is_valid_at('branches', 'departments.valid_from') }}
