{#-
  One typed row per IP Office SMDR record (a call segment). Call Start is the same
  on every segment of a call; Call ID links them; Party 1 is the internal party and
  Party 2 the other end (T… a trunk line named "<line>.<channel>", E… an extension).
  A segment lasts ring + connected + hold + park seconds; when it began follows from the
  segments written before it (int_avaya_ipoffice_smdr__legs). IP Office R11 adds the SMDR
  record time (field 35, UTC): when the record was written. Hold and park time are the
  segment's fields 16 and 17.
-#}
with source as (
    {{ raw_records(source('avaya_ipoffice_smdr', 'avaya_ipoffice_smdr')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        call_id as call_key_in_source,
        try_strptime(call_start, '%Y/%m/%d %H:%M:%S') as call_started_at_local,
        {{ hms_to_seconds('connected_time') }} as connected_seconds,
        coalesce(try_cast(ring_time as integer), 0) as ring_seconds,
        coalesce(try_cast(hold_time as integer), 0) as hold_seconds,
        coalesce(try_cast(park_time as integer), 0) as park_seconds,
        caller as caller_number,
        called_number,
        upper(direction) as direction_flag,
        nullif(account, '') as account_code,
        continuation = '1' as more_segments_follow,
        party1_device,
        party2_device,
        party2_name,
        try_strptime(nullif(smdr_record_time, ''), '%Y/%m/%d %H:%M:%S') as record_written_at_utc
    from source
),

typed as (
    select
        *,
        ring_seconds + coalesce(connected_seconds, 0) + hold_seconds + park_seconds as segment_seconds
    from renamed
)

select
    *,
    connected_seconds as billable_seconds,
    case
        when connected_seconds > 0 then 'answered'
        when ring_seconds > 0 then 'no_answer'
        else 'busy'
    end as leg_disposition,
    case when party1_device like 'E%' then substr(party1_device, 2) end as party1_extension,
    case when party2_device like 'E%' then substr(party2_device, 2) end as party2_extension,
    case when party2_device like 'T%' then regexp_extract(party2_name, '^(.*)\.[0-9]+$', 1) end as party2_line
from typed
