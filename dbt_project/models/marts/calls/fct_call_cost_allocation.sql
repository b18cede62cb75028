{#-
  Who is charged for each rated call: one row per call and charged extension. A call
  handed on by transfer is charged by the site's transfer_cost_allocation setting:
  final_party (whoever finally took it), first_party (whoever answered first), or
  split (each answering extension in proportion to its talk time; the last one takes
  the rounding remainder so the shares add up to the call's cost exactly).
-#}
with calls as (
    select call_id, site_id, call_date_local, extension, final_extension, talk_seconds, cost, currency
    from {{ ref('fct_calls') }}
    where cost is not null and cost > 0
),

sites as (
    select site_id, transfer_cost_allocation from {{ ref('stg_config__sites') }}
),

answered_legs as (
    select call_id, extension, billable_seconds, leg_order
    from {{ ref('fct_call_legs') }}
    where leg_disposition = 'answered' and extension is not null
),

split_shares as (
    select
        calls.call_id,
        legs.extension,
        sum(legs.billable_seconds) as seconds,
        min(legs.leg_order) as first_leg
    from calls
    inner join sites on calls.site_id = sites.site_id
    inner join answered_legs as legs on calls.call_id = legs.call_id
    where sites.transfer_cost_allocation = 'split'
    group by all
),

split_costs as (
    select
        split_shares.call_id,
        split_shares.extension,
        calls.cost as call_cost,
        cast(
            calls.cost * split_shares.seconds / nullif(sum(split_shares.seconds) over (partition by split_shares.call_id), 0)
            as decimal(18, 4)
        ) as rounded_share,
        row_number() over (partition by split_shares.call_id order by split_shares.first_leg desc) as from_last
    from split_shares
    inner join calls on split_shares.call_id = calls.call_id
),

split_allocated as (
    select
        call_id,
        extension,
        case
            when from_last = 1
                then call_cost - (sum(rounded_share) over (partition by call_id) - rounded_share)
            else rounded_share
        end as allocated_cost
    from split_costs
),

whole_allocated as (
    select
        calls.call_id,
        case sites.transfer_cost_allocation
            when 'first_party' then calls.extension
            else coalesce(calls.final_extension, calls.extension)
        end as extension,
        calls.cost as allocated_cost
    from calls
    inner join sites on calls.site_id = sites.site_id
    where sites.transfer_cost_allocation <> 'split'
       or not exists (select 1 from split_shares where split_shares.call_id = calls.call_id)
),

allocated as (
    select * from split_allocated
    union all
    select * from whole_allocated
)

select
    allocated.call_id || ':' || coalesce(allocated.extension, '') as allocation_id,
    allocated.call_id,
    calls.site_id,
    calls.call_date_local,
    allocated.extension,
    sites.transfer_cost_allocation as allocation_rule,
    cast(allocated.allocated_cost as decimal(18, 4)) as allocated_cost,
    calls.currency
from allocated
inner join calls on allocated.call_id = calls.call_id
inner join sites on calls.site_id = sites.site_id
