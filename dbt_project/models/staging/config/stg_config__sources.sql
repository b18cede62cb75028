with source as (
    select * from {{ source('raw', 'sources') }}
)

select
    source_name,
    site_id,
    format as pbx_format,
    encoding,
    date_format
from source
