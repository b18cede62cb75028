{#-
  One typed row per FreeSWITCH A-leg (legs=a: one row per call, the B-leg only by uuid).
  Stamps are the site's local wall clock, either as FreeSWITCH writes them
  ('2014-05-29 16:59:50') or after a spreadsheet round-trip ('2020/2/10 22:41', no
  seconds): then answer and end are derived from the start and the exact durations.
  A record written twice (same uuid) is two rows here; int_freeswitch_cdr_csv__legs keeps the first.
-#}
with source as (
    {{ raw_records(source('freeswitch_cdr_csv', 'freeswitch_cdr_csv')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        uuid as call_key_in_source,
        nullif(bleg_uuid, '') as bleg_uuid,
        nullif(caller_id_name, '') as caller_name,
        caller_id_number as caller_number,
        destination_number as called_number,
        context as dialplan_context,
        start_stamp as start_text,
        nullif(answer_stamp, '') as answer_text,
        end_stamp as end_text,
        try_cast(duration as integer) as duration_seconds,
        coalesce(try_cast(billsec as integer), 0) as billable_seconds,
        upper(trim(hangup_cause)) as hangup_cause,
        nullif(accountcode, '') as account_code,
        nullif(read_codec, '') as read_codec,
        nullif(write_codec, '') as write_codec
    from source
),

typed as (
    select
        *,
        coalesce(
            try_strptime(start_text, '%Y-%m-%d %H:%M:%S'), try_strptime(start_text, '%Y/%m/%d %H:%M')
        ) as started_at_local,
        {# spreadsheet stamps have no seconds: derive answer and end from the durations #}
        start_text like '%/%' as stamps_without_seconds
    from renamed
)

select
    * exclude (start_text, answer_text, end_text),
    case
        when answer_text is null then null
        when stamps_without_seconds then started_at_local + to_seconds(duration_seconds - billable_seconds)
        else try_strptime(answer_text, '%Y-%m-%d %H:%M:%S')
    end as answered_at_local,
    case
        when stamps_without_seconds then started_at_local + to_seconds(duration_seconds)
        else try_strptime(end_text, '%Y-%m-%d %H:%M:%S')
    end as ended_at_local,
    case
        when answer_text is not null or billable_seconds > 0 then 'answered'
        when hangup_cause = 'USER_BUSY' then 'busy'
        when hangup_cause in ('NORMAL_CLEARING', 'NO_ANSWER', 'NO_USER_RESPONSE', 'ORIGINATOR_CANCEL')
            then 'no_answer'
        else 'failed'
    end as leg_disposition
from typed
