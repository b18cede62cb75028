with source as (
    select * from {{ source('geography', 'public_holidays') }}
)

select
    site_id || ':' || strftime(holiday_date, '%Y-%m-%d') as date_id,
    site_id,
    cast(holiday_date as date) as holiday_date,
    holiday_name
from source
