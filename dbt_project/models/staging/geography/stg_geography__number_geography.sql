with source as (
    select * from {{ source('geography', 'number_geography') }}
)

select
    e164 as number_e164,
    country_calling_code,
    nullif(region_code, '') as region_code,
    national_number,
    number_type,
    is_valid as is_valid_number,
    nullif(geo_description, '') as geo_description,
    nullif(country_name, '') as country_name,
    nullif(city, '') as city,
    nullif(area, '') as area,
    classified_at
from source
