{#-
  A cost allocation agrees with its calls: every call that cost something has rows whose
  costs add up to its cost exactly, exactly one of them booked, and the booked row names
  the extension, person, department and branch the call is booked to; no other call has
  rows. Each failing row is a call that does not agree. The calls are read as the model is
  (get_where_subquery): on the days this build rebuilt, when both are incremental by them.
-#}
{% test allocation_agrees_with_calls(model, calls) %}
with allocations as (
    select
        call_id,
        sum(allocated_cost) as allocated_cost,
        sum(case when is_booked then 1 else 0 end) as booked_rows,
        max(case when is_booked then extension end) as booked_extension,
        max(case when is_booked then person_key end) as person_key,
        max(case when is_booked then department_key end) as department_key,
        max(case when is_booked then branch_key end) as branch_key
    from {{ model }}
    group by call_id
),

charged as (
    select call_id, cost, booked_extension, person_key, department_key, branch_key
    from {{ get_where_subquery(calls) }}
    where cost > 0
)

select
    coalesce(charged.call_id, allocations.call_id) as call_id,
    charged.cost,
    allocations.allocated_cost,
    allocations.booked_rows,
    charged.booked_extension,
    allocations.booked_extension as allocated_extension,
    charged.person_key,
    allocations.person_key as allocated_person_key
from charged
full outer join allocations on charged.call_id = allocations.call_id
where charged.call_id is null
    or allocations.call_id is null
    or allocations.allocated_cost <> charged.cost
    or allocations.booked_rows <> 1
    or allocations.booked_extension is distinct from charged.booked_extension
    or allocations.person_key is distinct from charged.person_key
    or allocations.department_key is distinct from charged.department_key
    or allocations.branch_key is distinct from charged.branch_key
{% endtest %}
