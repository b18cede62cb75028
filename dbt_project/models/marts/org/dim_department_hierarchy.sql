{#- Bridge: join a fact's department_id here to count it for its department and every parent. -#}
select
    department_id,
    ancestor_department_id,
    depth
from {{ ref('int_department_ancestors') }}
