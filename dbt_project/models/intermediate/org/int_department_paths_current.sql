{#- Today's tree: each current department's level below the top and its path of names from the top down. -#}
with links as (
    select department_id, ancestor_department_id, depth
    from {{ ref('int_department_ancestors') }}
    where valid_to = date '9999-12-31'
),

names as (
    select department_id, department_name
    from {{ ref('int_departments_versioned') }}
    where valid_to = date '9999-12-31'
)

select
    links.department_id,
    max(links.depth) as department_level,
    string_agg(names.department_name, ' > ' order by links.depth desc) as department_path
from links
inner join names on links.ancestor_department_id = names.department_id
group by links.department_id
