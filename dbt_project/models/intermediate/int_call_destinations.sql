{#-
  Each call's remote party with its classification: the called number of outbound
  (and transit) calls, the caller of inbound calls, 'internal' for internal calls.
  One row per call; fct_calls joins it by call_id.
-#}
with numbers as (
    select * from {{ ref('int_call_numbers') }}
),

destinations as (
    select * from {{ ref('int_destinations_classified') }}
)

select
    numbers.call_id,
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
