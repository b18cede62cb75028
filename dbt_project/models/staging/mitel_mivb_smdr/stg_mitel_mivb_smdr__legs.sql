{#-
  One typed row per MiVoice Business SMDR record (a call). The record has mm/dd and a
  12-hour start time (P for PM) but no year: the year is the one in which the landed
  file arrived (site time zone), unless that puts the call more than a day after the file
  landed, in which case it is the year before (a file landed in January holding
  December's calls). Duration is HH:MM:SS of the call; time to answer is seconds.
-#}
with source as (
    {{ raw_records(source('mitel_mivb_smdr', 'mitel_mivb_smdr')) }}
),

landed_files as (
    {{ landed_files_local() }}
),

renamed as (
    select
        {{ raw_lineage('source') }},
        landed_files.landed_at_local,
        source."date" as month_day,
        {{ twelve_hour_time('source.start_time', "case when source.pm = 'P' then true end") }} as start_time_of_day,
        {{ hms_to_seconds('source.duration') }} as duration_seconds,
        coalesce(try_cast(source.time_to_answer as integer), 0) as ring_seconds,
        source.calling_party,
        source.called_party,
        nullif(source.digits_dialed, '') as digits_dialed,
        source.completion_status,
        source.attendant = '*' as attendant_handled,
        nullif(source.transfer_conference, '') as transfer_conference_flag,
        nullif(source.third_party, '') as third_party,
        nullif(source.account_code, '') as account_code
    from source
    left join landed_files
        on source._source = landed_files.source_name and source._file_sha256 = landed_files.landed_file_sha256
),

dated as (
    select
        *,
        try_strptime(cast(year(landed_at_local) as varchar) || '/' || month_day, '%Y/%m/%d') as date_in_landing_year
    from renamed
),

typed as (
    select
        *,
        case
            when date_in_landing_year > cast(landed_at_local as date) + interval 1 day
                then try_strptime(cast(year(landed_at_local) - 1 as varchar) || '/' || month_day, '%Y/%m/%d')
            else date_in_landing_year
        end + start_time_of_day as started_at_local
    from dated
)

select
    * exclude (date_in_landing_year),
    case
        when completion_status = 'B' then 'busy'
        when completion_status = 'A' or duration_seconds > 0 then 'answered'
        when completion_status = 'E' then 'failed'
        else 'no_answer'
    end as leg_disposition,
    case when duration_seconds > 0 then started_at_local + to_seconds(ring_seconds) end as answered_at_local,
    started_at_local + to_seconds(ring_seconds + duration_seconds) as ended_at_local,
    duration_seconds as billable_seconds,
    coalesce(digits_dialed, called_party) as called_number
from typed
