{#-
  Person versions: the HR rows as currently known (the snapshot's open rows),
  each a version of its person valid [valid_from, valid_to) by HR's effective
  dates, with when the warehouse learned of its current content.
-#}
with assignments as (
    select * from {{ ref('snap_directory__hr_assignments') }}
    where dbt_valid_to is null
)

select
    {{ surrogate_key(['person_id', 'valid_from']) }} as person_key,
    assignment_id,
    person_id,
    full_name,
    email,
    department_id,
    site_id,
    extension,
    valid_from,
    valid_to,
    dbt_valid_from as recorded_at
from assignments
