with source as (
    select * from {{ source('raw', 'tariff_rates') }}
)

select
    plan_id,
    carrier,
    prefix,
    length(prefix) as prefix_length,
    destination,
    rate_per_minute,
    connect_fee,
    currency,
    initial_increment_s,
    next_increment_s,
    valid_from
from source
