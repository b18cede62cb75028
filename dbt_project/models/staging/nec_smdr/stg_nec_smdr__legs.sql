{#-
  One typed row per NEC SMDR call record; each record is a call of its own (no call id is
  written). The record type says both the call's kind and how to read it:
  KA/KH/KK outgoing, KE/KI/KL incoming, KB/KJ/KM station to station, in the normal
  (KA KB KE), extended (KH KI KJ) or flexible (KK KL KM) format.
  Flexible: section 06 holds start and end as YYYYMMDDhhmmss + milliseconds each; number
  sections carry a 3-digit fusion point code before the number; condition B's first digit
  flags a transfer (1, 3, 4 …) or continued billing (2).
  Normal and extended: fixed offsets in the body (after '0!' and the type): route and
  trunk, the station (calling, or called for incoming), start and end MMDDhhmmss with
  their 2-digit years near the end, account code, a transfer flag, the dialled digits,
  and for station calls the called station. They name no outside caller.
  All times are the site's local wall clock; talk time is end - start to the second.
-#}
with source as (
    {{ raw_records(source('nec_smdr', 'nec_smdr')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        record_type,
        case
            when record_type in ('KK', 'KL', 'KM') then 'flexible'
            when record_type in ('KH', 'KI', 'KJ') then 'extended'
            else 'normal'
        end as record_format,
        case
            when record_type in ('KA', 'KH', 'KK') then 'outgoing'
            when record_type in ('KE', 'KI', 'KL') then 'incoming'
            else 'station'
        end as record_kind,
        body,
        s01_trunk,
        s03_calling_number,
        s05_called_number,
        s06_start_end_time,
        s07_account_code,
        s08_condition_b,
        s10_dial_code,
        s16_calling_station_number
    from source
),

flexible as (
    select
        * exclude (
            body, s01_trunk, s03_calling_number, s05_called_number, s06_start_end_time,
            s07_account_code, s08_condition_b, s10_dial_code, s16_calling_station_number
        ),
        strptime(substr(s06_start_end_time, 1, 17), '%Y%m%d%H%M%S%g') as started_at_local,
        strptime(substr(s06_start_end_time, 18, 17), '%Y%m%d%H%M%S%g') as ended_at_local,
        {# route (3 digits) then trunk number: the route names the trunk #}
        nullif(substr(s01_trunk, 1, 3), '') as route_number,
        nullif(substr(s03_calling_number, 4), '') as calling_number,
        nullif(substr(s05_called_number, 4), '') as called_party_number,
        nullif(s10_dial_code, '') as dial_code,
        nullif(s16_calling_station_number, '') as calling_station_number,
        nullif(s07_account_code, '') as account_code,
        s08_condition_b as condition_b,
        coalesce(left(s08_condition_b, 1) not in ('0', '2'), false) as is_transferred
    from renamed
    where record_format = 'flexible'
),

fixed_offsets as (
    select
        * exclude (
            body, s01_trunk, s03_calling_number, s05_called_number, s06_start_end_time,
            s07_account_code, s08_condition_b, s10_dial_code, s16_calling_station_number
        ),
        try_strptime('20' || substr(body, 112, 2) || substr(body, 16, 10), '%Y%m%d%H%M%S') as started_at_local,
        try_strptime(
            '20' || coalesce(nullif(trim(substr(body, 114, 2)), ''), substr(body, 112, 2)) || substr(body, 26, 10),
            '%Y%m%d%H%M%S'
        ) as ended_at_local,
        case when record_kind <> 'station' then nullif(trim(substr(body, 1, 3)), '') end as route_number,
        case when record_kind <> 'incoming' then nullif(trim(substr(body, 10, 6)), '') end as calling_number,
        case
            when record_kind = 'incoming' then nullif(trim(substr(body, 10, 6)), '')
            when record_kind = 'station' then nullif(trim(substr(body, 60, 6)), '')
        end as called_party_number,
        case when record_kind = 'outgoing' then nullif(trim(substr(body, 58, 24)), '') end as dial_code,
        cast(null as varchar) as calling_station_number,
        nullif(trim(substr(body, 36, 10)), '') as account_code,
        cast(null as varchar) as condition_b,
        coalesce(substr(body, 49, 1) not in ('0', ' ', ''), false) as is_transferred
    from renamed
    where record_format <> 'flexible'
),

records as (
    select * from flexible
    union all by name
    select * from fixed_offsets
)

select
    *,
    cast(round(epoch(ended_at_local) - epoch(started_at_local)) as integer) as billable_seconds,
    'answered' as leg_disposition,
    started_at_local as answered_at_local,
    case when record_kind = 'incoming' then calling_station_number else calling_number end as caller_number,
    case when record_kind = 'outgoing' then dial_code else called_party_number end as called_number
from records
