{#-
  Bridge: join a fact's department_id here as of its start (valid_from <= start <
  valid_to) to count it for its department and every parent as they were then.
-#}
select
    department_id,
    ancestor_department_id,
    depth,
    valid_from,
    valid_to,
    valid_to = date '9999-12-31' as is_current
from {{ ref('int_department_ancestors') }}
