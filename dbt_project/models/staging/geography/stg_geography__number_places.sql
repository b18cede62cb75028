with source as (
    select * from {{ source('geography', 'number_places') }}
)

select
    e164_prefix,
    nullif(place_name, '') as place_name,
    nullif(city, '') as city,
    nullif(area, '') as area
from source
