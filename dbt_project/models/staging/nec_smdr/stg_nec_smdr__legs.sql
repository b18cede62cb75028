{#-
  One typed row per NEC flexible-format SMDR record (KK outgoing, KL incoming, KM station
  to station); each record is a call of its own (no call id is written). Section 06 holds
  start and end as YYYYMMDDhhmmss + milliseconds each, local wall clock; talk time is
  end - start rounded to the second. Number sections carry a 3-digit fusion point code
  before the number. Condition B's first digit flags a transfer (1, 3, 4 …) or
  continued billing (2). Normal and extended records (KA … KJ) are not typed yet.
-#}
with source as (
    select * from {{ source('nec_smdr', 'nec_smdr') }}
    where record_type in ('KK', 'KL', 'KM')
),

renamed as (
    select
        {{ raw_lineage() }},
        record_type,
        strptime(substr(s06_start_end_time, 1, 17), '%Y%m%d%H%M%S%g') as started_at_local,
        strptime(substr(s06_start_end_time, 18, 17), '%Y%m%d%H%M%S%g') as ended_at_local,
        {# route (3 digits) then trunk number: the route names the trunk #}
        nullif(substr(s01_trunk, 1, 3), '') as route_number,
        nullif(substr(s03_calling_number, 4), '') as calling_number,
        nullif(substr(s05_called_number, 4), '') as called_party_number,
        nullif(s10_dial_code, '') as dial_code,
        nullif(s16_calling_station_number, '') as calling_station_number,
        nullif(s07_account_code, '') as account_code,
        s08_condition_b as condition_b
    from source
)

select
    *,
    cast(round(epoch(ended_at_local) - epoch(started_at_local)) as integer) as billable_seconds,
    'answered' as leg_disposition,
    started_at_local as answered_at_local,
    coalesce(left(condition_b, 1) not in ('0', '2'), false) as is_transferred,
    case record_type when 'KK' then 'outgoing' when 'KL' then 'incoming' else 'station' end as record_kind,
    case when record_type = 'KL' then calling_station_number else calling_number end as caller_number,
    case when record_type = 'KK' then dial_code else called_party_number end as called_number
from renamed
