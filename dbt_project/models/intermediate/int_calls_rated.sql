{#-
  Outbound answered calls rated under the site's tariff plan in force:
  longest prefix wins, as one equi-join per prefix length present in the plan.
  The full rating model (every plan, tariff comparison) replaces this.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select calls.*
    from {{ ref('int_calls_merged') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

rates as (
    select * from {{ ref('stg_config__tariff_rates') }}
),

chargeable as (
    select
        calls.call_id,
        calls.source_name,
        calls.external_number_e164,
        calls.talk_seconds,
        cast(calls.started_at_local as date) as call_date_local,
        sites.tariff_plan
    from calls
    inner join sites on calls.site_id = sites.site_id
    where calls.direction = 'outbound'
        and calls.disposition = 'answered'
        and calls.external_number_e164 is not null
),

prefix_lengths as (
    select distinct plan_id, prefix_length from rates
),

candidates as (
    select
        chargeable.call_id,
        chargeable.source_name,
        chargeable.call_date_local,
        chargeable.talk_seconds,
        rates.*
    from chargeable
    inner join prefix_lengths on chargeable.tariff_plan = prefix_lengths.plan_id
    inner join rates
        on rates.plan_id = prefix_lengths.plan_id
        and rates.prefix_length = prefix_lengths.prefix_length
        and rates.prefix = left(chargeable.external_number_e164, prefix_lengths.prefix_length)
        and rates.valid_from <= chargeable.call_date_local
),

best as (
    select
        *,
        {{ billable_seconds('talk_seconds', 'initial_increment_s', 'next_increment_s') }} as billed_seconds
    from candidates
    qualify row_number() over (partition by call_id order by prefix_length desc, valid_from desc) = 1
)

select
    call_id,
    source_name,
    call_date_local,
    plan_id as tariff_plan,
    prefix as tariff_prefix,
    destination,
    currency,
    billed_seconds,
    cast({{ rated_cost('connect_fee', 'rate_per_minute', 'billed_seconds') }} as decimal(18, 4)) as cost
from best
{{ clustered_by_call_day() }}
