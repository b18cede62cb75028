{#-
  Country, region, city and type of every external number (E.164 digits, no '+'), as
  phonenumbers answers, by joins to its metadata as prefix tables (ingestion/numbering/plan.py):
    - the country calling code: the number's first 1, 2 or 3 digits (the codes are prefix-free);
    - region, type, validity and the fallback names: the longest plan prefix of the national
      significant number among those of its country code and length;
    - the place: the longest geocoder prefix, for valid numbers only (without Argentina's mobile
      token); a place that only names the country gives no city or area.
  Every longest-prefix match is an equality join over the prefix lengths the table holds.
  Digits that are no number (unknown code, too short or long, not digits) give an 'unknown'
  row, as phonenumbers' parse error did. Incremental: each number is classified once, when a
  rebuilt day first has it (the other days' numbers were classified when they were built).
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ config(materialized='incremental', incremental_strategy='append') }}

with seen_numbers as (
    select distinct call_numbers.number_e164
    from {{ ref('int_call_numbers') }} as call_numbers
    {{ rebuild_scope_join('call_numbers.source_name', 'call_numbers.call_date_local') }}
    where call_numbers.number_e164 is not null
),

{# the numbers not classified yet: an anti-join of the few seen numbers, after distinct #}
numbers as (
    select seen_numbers.number_e164
    from seen_numbers
    where true
    {% if is_incremental() %}
    and not exists (
        select 1 from {{ this }} as classified
        where classified.number_e164 = seen_numbers.number_e164
    )
    {% endif %}
),

country_codes as (
    select * from {{ ref('stg_geography__number_country_codes') }}
),

plan as (
    select * from {{ ref('stg_geography__number_plan') }}
),

places as (
    select * from {{ ref('stg_geography__number_places') }}
),

code_lengths as (
    select distinct length(country_calling_code) as code_length
    from country_codes
),

split as (
    select
        numbers.number_e164,
        country_codes.country_calling_code,
        country_codes.mobile_token,
        substr(numbers.number_e164, length(country_codes.country_calling_code) + 1) as national_significant_number
    from numbers
    cross join code_lengths
    inner join country_codes
        on substr(numbers.number_e164, 1, code_lengths.code_length) = country_codes.country_calling_code
    where translate(numbers.number_e164, '0123456789', '') = ''
),

parsed as (
    select
        *,
        length(national_significant_number) as national_number_length
    from split
    where length(national_significant_number) between 2 and 17
),

plan_prefix_lengths as (
    select distinct country_calling_code, national_number_length, length(prefix) as prefix_length
    from plan
),

{# one row per prefix of the number's length that the plan has, keyed as the plan is: joining on
   that one key (not on code and length again) keeps the join a lookup of each candidate #}
plan_candidates as (
    select
        parsed.number_e164,
        lengths.prefix_length,
        {{ number_plan_key(
            'parsed.country_calling_code',
            'parsed.national_number_length',
            'substr(parsed.national_significant_number, 1, lengths.prefix_length)',
        ) }} as plan_key
    from parsed
    inner join plan_prefix_lengths as lengths
        on parsed.country_calling_code = lengths.country_calling_code
        and parsed.national_number_length = lengths.national_number_length
),

plan_matches as (
    select
        candidates.number_e164,
        plan.region_code,
        plan.number_type,
        plan.is_valid_number,
        plan.country_name,
        plan.fallback_description,
        plan.fallback_city,
        plan.fallback_area,
        row_number() over (partition by candidates.number_e164 order by candidates.prefix_length desc) as match_rank
    from plan_candidates as candidates
    inner join plan
        on candidates.plan_key = plan.plan_key
),

place_keys as (
    select
        parsed.number_e164,
        parsed.country_calling_code || case
            when parsed.mobile_token is not null
                and substr(parsed.national_significant_number, 1, length(parsed.mobile_token)) = parsed.mobile_token
                then substr(parsed.national_significant_number, length(parsed.mobile_token) + 1)
            else parsed.national_significant_number
        end as place_key
    from parsed
    inner join plan_matches
        on parsed.number_e164 = plan_matches.number_e164
        and plan_matches.match_rank = 1
        and plan_matches.is_valid_number
),

place_prefix_lengths as (
    select distinct length(e164_prefix) as prefix_length
    from places
),

place_candidates as (
    select
        place_keys.number_e164,
        lengths.prefix_length,
        substr(place_keys.place_key, 1, lengths.prefix_length) as e164_prefix
    from place_keys
    inner join place_prefix_lengths as lengths
        on lengths.prefix_length <= length(place_keys.place_key)
),

place_matches as (
    select
        candidates.number_e164,
        places.place_name,
        places.city,
        places.area,
        row_number() over (partition by candidates.number_e164 order by candidates.prefix_length desc) as match_rank
    from place_candidates as candidates
    inner join places
        on candidates.e164_prefix = places.e164_prefix
),

classified as (
    select
        numbers.number_e164,
        parsed.country_calling_code,
        plan_match.region_code,
        cast(
            cast(parsed.national_significant_number as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}
        ) as national_number,
        coalesce(plan_match.number_type, 'unknown') as number_type,
        coalesce(plan_match.is_valid_number, false) as is_valid_number,
        plan_match.country_name,
        plan_match.fallback_description,
        plan_match.fallback_city,
        plan_match.fallback_area,
        named_place.place_name,
        named_place.city as place_city,
        named_place.area as place_area
    from numbers
    left join parsed
        on numbers.number_e164 = parsed.number_e164
    left join plan_matches as plan_match
        on numbers.number_e164 = plan_match.number_e164
        and plan_match.match_rank = 1
    left join place_matches as named_place
        on numbers.number_e164 = named_place.number_e164
        and named_place.match_rank = 1
)

select
    number_e164,
    country_calling_code,
    region_code,
    national_number,
    number_type,
    is_valid_number,
    case when is_valid_number then coalesce(place_name, fallback_description) end as geo_description,
    country_name,
    case
        when not is_valid_number then null
        when place_name is null then fallback_city
        when place_name <> coalesce(country_name, '') then place_city
    end as city,
    case
        when not is_valid_number then null
        when place_name is null then fallback_area
        when place_name <> coalesce(country_name, '') then place_area
    end as area
from classified
