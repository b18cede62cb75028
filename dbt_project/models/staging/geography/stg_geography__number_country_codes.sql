with source as (
    select * from {{ source('geography', 'number_country_codes') }}
)

select
    country_calling_code,
    nullif(mobile_token, '') as mobile_token
from source
