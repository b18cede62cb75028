{#-
  One typed row per Panasonic SMDR call. Date and Time stamp the END of the call (the
  KX-TDA/NS behaviour), the date in the order the source configures (date_format in
  config/sources.yml, MM/DD/YY by default): answer = end - duration and start = answer -
  ring. Dial Number markers: <I> incoming (caller after it), <D> the DID dialled (before
  <I>), EXTnnn an intercom call, '-' a transfer (digits after it were dialled by the
  transfer target). Duration is hh:mm'ss, ring m'ss.

  A CO-to-CO call is printed as two lines (int_panasonic_smdr__records_paired makes them one).
-#}
with source as (
    {{ raw_records(source('panasonic_smdr', 'panasonic_smdr')) }}
),

sources as (
    select source_name, date_format from {{ ref('stg_config__sources') }}
),

renamed as (
    select
        {{ raw_lineage('source') }},
        {{ configured_date('source."date"', 'sources.date_format') }} as end_date,
        {{ twelve_hour_time('left(source."time", 5)', "upper(right(source.\"time\", 2)) = 'PM'") }}
            as end_time_of_day,
        {{ hms_to_seconds("replace(source.duration, '''', ':')") }} as duration_seconds,
        coalesce({{ hms_to_seconds("'0:' || replace(source.ring, '''', ':')") }}, 0) as ring_seconds,
        source.ext as extension,
        nullif(source.co, '') as co_line,
        source.dial_number,
        nullif(source.acc_code, '') as account_code,
        nullif(source.cd, '') as condition_code
    from source
    inner join sources on source._source = sources.source_name
),

typed as (
    select
        *,
        end_date + end_time_of_day as ended_at_local,
        dial_number like '%<I>%' as is_incoming,
        dial_number like 'EXT%' as is_intercom,
        nullif(regexp_extract(dial_number, '<D>([0-9*#]+)', 1), '') as did_dialled,
        nullif(regexp_extract(dial_number, '<I>(.*)$', 1), '') as incoming_caller,
        nullif(split_part(dial_number, '-', 2), '') as transferred_to,
        split_part(dial_number, '-', 1) as dialled_before_transfer
    from renamed
)

select
    *,
    ended_at_local - to_seconds(duration_seconds) as answered_at_local,
    ended_at_local - to_seconds(duration_seconds + ring_seconds) as started_at_local,
    duration_seconds as billable_seconds,
    case when duration_seconds > 0 then 'answered' else 'no_answer' end as leg_disposition,
    case when is_incoming then incoming_caller else extension end as caller_number,
    case
        when is_incoming then coalesce(did_dialled, extension)
        when is_intercom then substr(dial_number, 4)
        else dialled_before_transfer
    end as called_number,
    coalesce(condition_code = 'TR', false) or transferred_to is not null as is_transferred,
    case when is_incoming then co_line end as from_co_line,
    case when not is_incoming then co_line end as to_co_line
from typed
