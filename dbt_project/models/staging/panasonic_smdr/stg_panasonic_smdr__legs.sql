{#-
  One typed row per Panasonic SMDR line (a call). Date and Time stamp the END of the call
  (MM/DD/YY, hh:mmAM/PM, the KX-TDA/NS behaviour): answer = end - duration and
  start = answer - ring. Dial Number markers: <I> incoming (caller after it), <D> the DID
  dialled (before <I>), EXTnnn an intercom call, '-' a transfer (digits after it were
  dialled by the transfer target). Duration is hh:mm'ss, ring m'ss.
-#}
with source as (
    select * from {{ source('panasonic_smdr', 'panasonic_smdr') }}
),

renamed as (
    select
        {{ raw_lineage() }},
        try_strptime("date", '%m/%d/%y') as end_date,
        {{ twelve_hour_time('left("time", 5)', "upper(right(\"time\", 2)) = 'PM'") }} as end_time_of_day,
        {{ hms_to_seconds("replace(duration, '''', ':')") }} as duration_seconds,
        coalesce({{ hms_to_seconds("'0:' || replace(ring, '''', ':')") }}, 0) as ring_seconds,
        ext as extension,
        nullif(co, '') as co_line,
        dial_number,
        nullif(acc_code, '') as account_code,
        nullif(cd, '') as condition_code
    from source
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
    coalesce(condition_code = 'TR', false) or transferred_to is not null as is_transferred
from typed
