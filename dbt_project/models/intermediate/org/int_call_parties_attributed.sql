{#-
  Each call attributed to whoever held its extension at its start, by the
  site's local wall clock: the HR row with valid_from <= start < valid_to
  (inclusive / exclusive). If HR has two people on one extension at once (a
  directory warning), the later assignment wins. The department is that row's
  department, in the version valid at the call's start; the branch is the
  call's site, likewise. Calls on an extension nobody held keep null keys.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select calls.call_id, calls.source_name, calls.call_date_local, calls.site_id, calls.extension, calls.started_at_local
    from {{ ref('int_calls_merged') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
),

assignments as (
    select * from {{ ref('int_person_assignments') }}
),

departments as (
    select * from {{ ref('int_departments_versioned') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
),

holders as (
    select
        calls.call_id,
        calls.source_name,
        calls.call_date_local,
        calls.site_id,
        calls.extension,
        calls.started_at_local,
        assignments.person_key,
        assignments.person_id,
        assignments.department_id
    from calls
    left join assignments
        on calls.site_id = assignments.site_id
        and calls.extension = assignments.extension
        and {{ is_valid_at('assignments', 'calls.started_at_local') }}
    qualify row_number() over (
        partition by calls.call_id order by assignments.valid_from desc nulls last, assignments.person_id
    ) = 1
)

select
    holders.call_id,
    holders.source_name,
    holders.call_date_local,
    holders.site_id,
    branches.branch_key,
    holders.extension,
    holders.person_key,
    holders.person_id,
    departments.department_key,
    holders.department_id
from holders
left join departments
    on holders.department_id = departments.department_id
    and {{ is_valid_at('departments', 'holders.started_at_local') }}
left join branches
    on holders.site_id = branches.site_id
    and {{ is_valid_at('branches', 'holders.started_at_local') }}
