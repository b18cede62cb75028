with source as (
    select * from {{ source('raw', 'dids') }}
)

select
    site_id,
    did as did_e164
from source
