with source as (
    select * from {{ source('geography', 'site_number_ranges') }}
),

renamed as (
    select
        site_id,
        range_kind,
        range_value,
        split_part(range_value, '-', 1) as range_first,
        coalesce(nullif(split_part(range_value, '-', 2), ''), range_value) as range_last
    from source
)

select
    site_id || ':' || range_kind || ':' || range_value as number_range_id,
    *
from renamed
