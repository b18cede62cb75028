{#-
  The department hierarchy through time: each department with itself (depth 0)
  and each ancestor (depth 1 = parent …) over [valid_from, valid_to), the days
  that ancestor sat at that depth above it. A link holds while every department
  version on the way up holds, so a re-parenting on day D ends the rows through
  the old parent on D and starts those through the new one. Adjacent intervals
  of one link (a rename further up, say) are merged. Join a fact as of its
  start: department_id equal and valid_from <= start < valid_to.
-#}
with recursive versions as (
    select department_id, parent_department_id, valid_from, valid_to
    from {{ ref('int_departments_versioned') }}
),

links as (
    select
        department_id,
        department_id as ancestor_department_id,
        parent_department_id as next_ancestor_id,
        0 as depth,
        valid_from,
        valid_to
    from versions
    union all
    select
        links.department_id,
        parents.department_id as ancestor_department_id,
        parents.parent_department_id as next_ancestor_id,
        links.depth + 1 as depth,
        greatest(links.valid_from, parents.valid_from) as valid_from,
        least(links.valid_to, parents.valid_to) as valid_to
    from links
    inner join versions as parents
        on links.next_ancestor_id = parents.department_id
        and parents.valid_from < links.valid_to
        and links.valid_from < parents.valid_to
    {# HR imports reject cycles; the guard only keeps a bad snapshot from looping forever #}
    where links.depth < 64
),

islands as (
    select
        *,
        sum(case when valid_from = previous_valid_to then 0 else 1 end) over (
            partition by department_id, ancestor_department_id, depth
            order by valid_from rows between unbounded preceding and current row
        ) as island
    from (
        select
            *,
            lag(valid_to) over (partition by department_id, ancestor_department_id, depth order by valid_from)
                as previous_valid_to
        from links
    ) as ordered_links
)

select
    department_id,
    ancestor_department_id,
    depth,
    min(valid_from) as valid_from,
    max(valid_to) as valid_to
from islands
group by department_id, ancestor_department_id, depth, island
