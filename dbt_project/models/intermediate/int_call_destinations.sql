{#-
  Each call's remote party with its classification: the called number of outbound
  (and transit) calls, the caller of inbound calls, 'internal' for internal calls.
  One row per call; fct_calls joins it by call_id.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with numbers as (
    select numbers.*
    from {{ ref('int_call_numbers') }} as numbers
    {{ rebuild_scope_join('numbers.source_name', 'numbers.call_date_local') }}
),

destinations as (
    select * from {{ ref('int_destinations_classified') }}
)

select
    numbers.call_id,
    numbers.source_name,
    numbers.call_date_local,
    numbers.site_id,
    numbers.direction,
    numbers.destination_id,
    numbers.number_e164,
    destinations.destination_category,
    destinations.country_code,
    destinations.country_name,
    destinations.region,
    destinations.city,
    destinations.is_premium,
    destinations.is_fraud_prone
from numbers
inner join destinations on numbers.destination_id = destinations.destination_id
{{ clustered_by_call_day() }}
