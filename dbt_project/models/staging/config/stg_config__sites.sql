with source as (
    select * from {{ source('raw', 'sites') }}
)

select
    site_id,
    site_name,
    timezone as site_timezone,
    country as site_country,
    pbx,
    tariff_plan,
    access_code,
    international_prefix,
    national_prefix,
    country_code,
    coalesce(local_area_code, '') as local_area_code,
    booking
from source
