{#-
  One typed row per Mitel 5000 SMDR record (a call segment). The record carries only a
  start time hh:mm: the date is the day the landed file arrived (site time zone), or the
  day before when the start time is later than the arrival time (a call that started
  before midnight and was written after it). Records are written at the end of the call,
  so a call is never later than the file that holds it.
-#}
with source as (
    {{ raw_records(source('mitel_5000_smdr', 'mitel_5000_smdr')) }}
),

landed_files as (
    {{ landed_files_local() }}
),

renamed as (
    select
        {{ raw_lineage('source') }},
        landed_files.landed_at_local,
        upper(source.call_type) as call_type,
        source.extension,
        nullif(source.trunk, '') as trunk,
        nullif(source.digits, '') as digits,
        {{ twelve_hour_time('source.start_time', 'null') }} as start_time_of_day,
        {{ hms_to_seconds('source.duration') }} as duration_seconds,
        nullif(source.cost, '') as cost_text
    from source
    left join landed_files
        on source._source = landed_files.source_name and source._file_sha256 = landed_files.landed_file_sha256
),

typed as (
    select
        *,
        case
            when cast(landed_at_local as date) + start_time_of_day > landed_at_local
                then cast(landed_at_local as date) - 1 + start_time_of_day
            else cast(landed_at_local as date) + start_time_of_day
        end as started_at_local,
        {# IN and RG (ringing / answered incoming) come in on the trunk; LOC, TLC, TLD go out on it #}
        call_type in ('IN', 'RG') as is_incoming
    from renamed
)

select
    *,
    case when duration_seconds > 0 then 'answered' else 'no_answer' end as leg_disposition,
    case when duration_seconds > 0 then started_at_local end as answered_at_local,
    started_at_local + to_seconds(duration_seconds) as ended_at_local,
    duration_seconds as billable_seconds
from typed
