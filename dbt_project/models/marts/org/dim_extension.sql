{#- Who held each extension when: one row per extension and holder version (HR row). -#}
with assignments as (
    select * from {{ ref('int_person_assignments') }}
    where extension is not null
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
)

select
    {{ surrogate_key(
        ['assignments.site_id', 'assignments.extension', 'assignments.person_id', 'assignments.valid_from']
    ) }}
        as extension_key,
    assignments.site_id,
    branches.branch_key,
    assignments.extension,
    assignments.person_key,
    assignments.person_id,
    assignments.valid_from,
    assignments.valid_to,
    assignments.valid_to = date '9999-12-31' as is_current
from assignments
left join branches
    on assignments.site_id = branches.site_id
    and {{ is_valid_at('branches', 'assignments.valid_from') }}
