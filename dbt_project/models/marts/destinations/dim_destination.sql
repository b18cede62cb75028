with destinations as (
    select * from {{ ref('int_destinations_classified') }}
)

select
    destination_id,
    site_id,
    number_e164,
    short_number,
    destination_category,
    country_code,
    country_name,
    region,
    city,
    geo_description,
    number_type,
    is_valid_number,
    is_premium,
    is_toll_free,
    is_fraud_prone,
    fraud_prone_reason
from destinations
