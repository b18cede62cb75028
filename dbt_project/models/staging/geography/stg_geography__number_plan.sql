with source as (
    select * from {{ source('geography', 'number_plan') }}
)

select
    {{ number_plan_key('country_calling_code', 'national_number_length', 'prefix') }} as plan_key,
    country_calling_code,
    cast(national_number_length as integer) as national_number_length,
    prefix,
    nullif(region_code, '') as region_code,
    number_type,
    is_valid_number,
    nullif(country_name, '') as country_name,
    nullif(fallback_description, '') as fallback_description,
    nullif(fallback_city, '') as fallback_city,
    nullif(fallback_area, '') as fallback_area
from source
