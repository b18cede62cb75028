{#-
  One typed row per Avaya CM TELESEER record (a call). The record carries the time of
  day (hhmm) only; the date is that of the last date record CM sent before it
  (MMDDYY, MM/DD/YY, or MM/DD in the year the file landed), or, before any date record,
  the day the file landed. Duration is hours, minutes and tenths of a minute (h mm t):
  seconds = h * 3600 + mm * 60 + t * 6.
-#}
with source as (
    {{ raw_records(source('avaya_cm_cdr', 'avaya_cm_cdr')) }}
),

landed_files as (
    {{ landed_files_local() }}
),

renamed as (
    select
        {{ raw_lineage('source') }},
        nullif(trim(source.record_date), '') as record_date_text,
        landed_files.landed_at_local,
        to_hours(try_cast(source.time_hour as integer)) + to_minutes(try_cast(source.time_minute as integer))
            as start_time_of_day,
        coalesce(try_cast(source.duration_hours as integer), 0) * 3600
        + coalesce(try_cast(source.duration_minutes as integer), 0) * 60
        + coalesce(try_cast(source.duration_tenths as integer), 0) * 6 as duration_seconds,
        upper(source.condition_code) as condition_code,
        nullif(source.access_code_dialed, '') as access_code_dialed,
        nullif(source.access_code_used, '') as access_code_used,
        nullif(source.dialed_number, '') as dialed_number,
        nullif(source.calling_number, '') as calling_number,
        nullif(source.account_code, '') as account_code,
        nullif(source.incoming_circuit_id, '') as incoming_circuit_id,
        nullif(source.outgoing_circuit_id, '') as outgoing_circuit_id,
        nullif(source.feature_flag, '') as feature_flag
    from source
    left join landed_files
        on source._source = landed_files.source_name and source._file_sha256 = landed_files.landed_file_sha256
),

typed as (
    select
        *,
        cast(
            coalesce(
                try_strptime(record_date_text, '%m%d%y'),
                try_strptime(record_date_text, '%m/%d/%y'),
                try_strptime(cast(year(landed_at_local) as varchar) || '/' || record_date_text, '%Y/%m/%d'),
                landed_at_local
            ) as date
        ) + start_time_of_day as started_at_local,
        {# condition codes: 9 incoming, 7 (ARS/AAR) and A (trunk access code) outgoing, others on the switch #}
        case
            when condition_code = '9' then 'incoming'
            when condition_code in ('7', 'A') then 'outgoing'
            else 'intraswitch'
        end as record_kind
    from renamed
)

select
    *,
    {# CM writes a record for a completed call: it has a duration, or it did not connect #}
    case when duration_seconds > 0 then 'answered' else 'no_answer' end as leg_disposition,
    case when duration_seconds > 0 then started_at_local end as answered_at_local,
    started_at_local + to_seconds(duration_seconds) as ended_at_local,
    duration_seconds as billable_seconds,
    {# incoming TELESEER records name no trunk access code: the incoming circuit names the trunk #}
    case when record_kind = 'incoming' then coalesce(access_code_used, incoming_circuit_id) end as incoming_trunk,
    case when record_kind = 'outgoing' then coalesce(access_code_used, access_code_dialed) end as outgoing_trunk
from typed
