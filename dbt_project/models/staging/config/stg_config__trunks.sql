with source as (
    select * from {{ source('raw', 'trunks') }}
)

select
    trunk_id,
    site_id,
    carrier,
    pbx_name,
    channels
from source
