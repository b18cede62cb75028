{#-
  Who is charged for each call that cost something: one row per call and charged party,
  by the same booking rule as fct_calls (int_call_party_shares):
  - final_party, first_party: the booked party is charged the whole cost;
  - split: each party that answered is charged in proportion to its talk time
    (all to the booked, final party when no party talked). In units of 0.0001 of the
    currency: each party gets floor(units * talk / total talk), and the units left over
    (fewer than the parties) go one each to the largest remainders, a tie to the party
    that joined later; so every share is within 0.0001 of its exact value and the shares
    add up to the call's cost exactly.
  The booked row names the person, department and branch fct_calls shows.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select calls.call_id, calls.site_id, calls.call_date_local, calls.cost, calls.currency
    from {{ ref('fct_calls') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
    where calls.cost is not null and calls.cost > 0
),

parties as (
    select * from {{ ref('int_call_party_shares') }}
),

charged as (
    select
        parties.*,
        calls.cost,
        calls.currency,
        case when parties.booking = 'split' then parties.talk_seconds else 0 end as split_seconds
    from calls
    inner join parties on calls.call_id = parties.call_id
),

weighted as (
    select
        *,
        case
            when booking = 'split' and sum(split_seconds) over (partition by call_id) > 0 then split_seconds
            when is_booked then 1
            else 0
        end as weight
    from charged
),

floored as (
    select
        *,
        {{ integer_divide('cost_units * weight', 'total_weight') }} as floor_units,
        mod(cost_units * weight, total_weight) as remainder_units
    from (
        select
            *,
            cast(cost * 10000 as bigint) as cost_units,
            cast(sum(weight) over (partition by call_id) as bigint) as total_weight
        from weighted
        where weight > 0
    ) as positive
),

allocated as (
    select
        *,
        floor_units + case
            when row_number() over (partition by call_id order by remainder_units desc, party_order desc)
                <= cost_units - sum(floor_units) over (partition by call_id)
                then 1
            else 0
        end as allocated_units
    from floored
)

select
    party_id as allocation_id,
    call_id,
    site_id,
    source_name,
    call_date_local,
    extension,
    party_order,
    is_booked,
    person_key,
    person_id,
    department_key,
    department_id,
    branch_key,
    cast(talk_seconds as integer) as talk_seconds,
    booking as allocation_rule,
    cast(cast(allocated_units as decimal(18, 0)) * cast(0.0001 as decimal(5, 4)) as decimal(18, 4)) as allocated_cost,
    currency
from allocated
{{ clustered_by_call_day() }}
