with source as (
    select * from {{ source('geography', 'site_calendars') }}
)

select
    site_id,
    holiday_country,
    nullif(holiday_subdivision, '') as holiday_subdivision,
    cast(business_opens as time) as business_opens,
    cast(business_closes as time) as business_closes,
    cast(lunch_start as time) as lunch_start,
    cast(lunch_end as time) as lunch_end
from source
