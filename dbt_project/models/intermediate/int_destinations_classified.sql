{#-
  Every remote party a site's calls reached or came from, classified as seen from that site.
  Category, in order: internal, emergency, service (short numbers); unknown (no usable number);
  toll_free, premium (number type); international (another country); mobile; service
  (shared-cost and universal access numbers); local (in one of the site's local areas);
  national. Country, region and city come from the phonenumbers geocoder.
  Incremental: a destination is classified once, when a rebuilt day first has it
  (macros/rebuild_scope.sql, incremental_by_new_keys); a change of a site's local areas or
  country, or of the fraud-prone list, reaches the destinations seen before it with a
  full refresh.
-#}
{{ incremental_by_new_keys('destination_id', 'int_call_numbers') }}

with numbers as (
    select distinct
        numbers.site_id, numbers.destination_id, numbers.party_kind, numbers.short_number, numbers.number_e164
    from {{ ref('int_call_numbers') }} as numbers
    {{ rebuild_scope_join('numbers.source_name', 'numbers.call_date_local') }}
    where true {{ new_keys_only('numbers.destination_id', 'destination_id') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

geography as (
    select * from {{ ref('int_number_geography') }}
),

local_areas as (
    select site_id, range_value as local_area
    from {{ ref('stg_geography__site_number_ranges') }}
    where range_kind = 'local_area'
),

fraud_prone as (
    select * from {{ ref('fraud_prone_regions') }}
),

in_local_area as (
    select distinct numbers.destination_id
    from numbers
    inner join geography on numbers.number_e164 = geography.number_e164
    inner join local_areas
        on numbers.site_id = local_areas.site_id
        and starts_with(geography.national_number, local_areas.local_area)
),

classified as (
    select
        numbers.destination_id,
        numbers.site_id,
        numbers.number_e164,
        numbers.short_number,
        case
            when numbers.party_kind <> 'external' then numbers.party_kind
            when geography.region_code is null then 'unknown'
            when geography.number_type = 'toll_free' then 'toll_free'
            when geography.number_type = 'premium_rate' then 'premium'
            when geography.region_code <> sites.site_country then 'international'
            when geography.number_type in ('mobile', 'pager') then 'mobile'
            when geography.number_type in ('shared_cost', 'uan') then 'service'
            when in_local_area.destination_id is not null then 'local'
            else 'national'
        end as destination_category,
        geography.region_code as country_code,
        geography.country_name,
        geography.area as region,
        geography.city,
        geography.geo_description,
        geography.number_type,
        coalesce(geography.is_valid_number, false) as is_valid_number,
        coalesce(geography.number_type = 'premium_rate', false) as is_premium,
        coalesce(geography.number_type = 'toll_free', false) as is_toll_free,
        fraud_prone.region_code is not null as is_fraud_prone,
        fraud_prone.reason as fraud_prone_reason
    from numbers
    inner join sites on numbers.site_id = sites.site_id
    left join geography on numbers.number_e164 = geography.number_e164
    left join in_local_area on numbers.destination_id = in_local_area.destination_id
    left join fraud_prone on geography.region_code = fraud_prone.region_code
)

select * from classified
