with source as (
    select * from {{ source('raw', 'trunk_match_patterns') }}
)

select
    site_id,
    trunk_id,
    like_pattern,
    precedence
from source
