{#-
  Missed inbound calls and what happened next: whether, and how soon, the caller was
  called back (an outbound call to the same number that was answered) or called again
  and got through, within the follow-up window. Rebuilt whole on every build, because a
  follow-up can arrive days after the missed call.
-#}
{% set follow_up_days = var('missed_call_follow_up_days', 7) %}

with calls as (
    select * from {{ ref('fct_calls') }}
),

missed as (
    select
        call_id, site_id, source_name, call_date_local, started_at_utc, started_at_local,
        caller_number_e164, company_number_e164, first_called_extension, queue_name, disposition, ring_seconds
    from calls
    where direction = 'inbound' and disposition <> 'answered'
),

answered_contacts as (
    select
        site_id,
        started_at_utc,
        call_id,
        extension,
        case when direction = 'outbound' then called_number_e164 else caller_number_e164 end as number_e164,
        direction
    from calls
    where disposition = 'answered' and direction in ('inbound', 'outbound')
),

follow_ups as (
    select
        missed.call_id,
        contacts.direction,
        contacts.call_id as follow_up_call_id,
        contacts.extension as follow_up_extension,
        contacts.started_at_utc as follow_up_at_utc,
        row_number() over (
            partition by missed.call_id, contacts.direction order by contacts.started_at_utc, contacts.call_id
        ) as nth
    from missed
    inner join answered_contacts as contacts
        on missed.site_id = contacts.site_id
        and missed.caller_number_e164 = contacts.number_e164
        and contacts.started_at_utc > missed.started_at_utc
        and contacts.started_at_utc <= missed.started_at_utc + interval {{ follow_up_days }} day
),

first_follow_ups as (
    select
        call_id,
        max(follow_up_call_id) filter (where direction = 'outbound') as callback_call_id,
        max(follow_up_at_utc) filter (where direction = 'outbound') as callback_at_utc,
        max(follow_up_extension) filter (where direction = 'outbound') as callback_extension,
        max(follow_up_call_id) filter (where direction = 'inbound') as retry_call_id,
        max(follow_up_at_utc) filter (where direction = 'inbound') as retry_at_utc
    from follow_ups
    where nth = 1
    group by call_id
)

select
    missed.call_id,
    missed.site_id,
    missed.source_name,
    missed.call_date_local,
    missed.started_at_utc,
    missed.started_at_local,
    missed.caller_number_e164,
    missed.company_number_e164,
    missed.first_called_extension,
    missed.queue_name,
    missed.disposition,
    missed.ring_seconds,
    follow.callback_call_id,
    follow.callback_extension,
    cast(date_diff('second', missed.started_at_utc, follow.callback_at_utc) as integer) as seconds_to_callback,
    follow.retry_call_id,
    cast(date_diff('second', missed.started_at_utc, follow.retry_at_utc) as integer) as seconds_to_answered_retry,
    case
        when missed.caller_number_e164 is null then 'caller_unknown'
        when follow.callback_at_utc is not null
            and (follow.retry_at_utc is null or follow.callback_at_utc <= follow.retry_at_utc) then 'called_back'
        when follow.retry_at_utc is not null then 'caller_got_through'
        else 'not_followed_up'
    end as follow_up_outcome
from missed
left join first_follow_ups as follow on missed.call_id = follow.call_id
