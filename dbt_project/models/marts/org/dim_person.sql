with assignments as (
    select * from {{ ref('int_person_assignments') }}
),

departments as (
    select * from {{ ref('int_departments_versioned') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
)

select
    assignments.person_key,
    assignments.person_id,
    assignments.full_name,
    assignments.email,
    assignments.department_id,
    departments.department_key,
    assignments.site_id,
    branches.branch_key,
    assignments.extension,
    assignments.valid_from,
    assignments.valid_to,
    assignments.valid_to = date '9999-12-31' as is_current,
    assignments.recorded_at
from assignments
left join departments
    on assignments.department_id = departments.department_id
    and {{ is_valid_at('departments', 'assignments.valid_from') }}
left join branches
    on assignments.site_id = branches.site_id
    and {{ is_valid_at('branches', 'assignments.valid_from') }}
