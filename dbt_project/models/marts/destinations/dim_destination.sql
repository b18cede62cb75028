{#-
  Every remote party a site's calls reached or came from (int_destinations_classified).
  Incremental by destination: new ones appended, ones no call has any more removed.
-#}
{{ incremental_by_new_keys('destination_id', 'int_destinations_classified') }}

with destinations as (
    select classified.*
    from {{ ref('int_destinations_classified') }} as classified
    where true {{ new_keys_only('classified.destination_id', 'destination_id') }}
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
