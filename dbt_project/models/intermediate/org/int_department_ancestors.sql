{#-
  Every department with itself (depth 0) and each of its ancestors (depth 1 =
  parent …) in today's hierarchy, with its level and its path from the top.
-#}
with recursive current_departments as (
    select department_id, department_name, parent_department_id
    from {{ ref('int_departments_versioned') }}
    where valid_to = date '9999-12-31'
),

ancestors as (
    select
        department_id,
        department_id as ancestor_department_id,
        parent_department_id as next_ancestor_id,
        0 as depth
    from current_departments
    union all
    select
        ancestors.department_id,
        parents.department_id as ancestor_department_id,
        parents.parent_department_id as next_ancestor_id,
        ancestors.depth + 1 as depth
    from ancestors
    inner join current_departments as parents on ancestors.next_ancestor_id = parents.department_id
),

paths as (
    select
        ancestors.department_id,
        max(ancestors.depth) as department_level,
        string_agg(current_departments.department_name, ' > ' order by ancestors.depth desc) as department_path
    from ancestors
    inner join current_departments on ancestors.ancestor_department_id = current_departments.department_id
    group by ancestors.department_id
)

select
    ancestors.department_id,
    ancestors.ancestor_department_id,
    ancestors.depth,
    paths.department_level,
    paths.department_path
from ancestors
inner join paths on ancestors.department_id = paths.department_id
