{#-
  Missed inbound calls and what happened next: whether, and how soon, the caller was
  called back (an outbound call to the same number that was answered) or called again
  and got through, within the follow-up window.
  Incremental: a follow-up can arrive days after the missed call, so a build that rebuilds
  the calls of (source, day) rebuilds the missed calls of that source's site from the
  follow-up window before that day up to it (missed_call_rebuild_days); their follow-ups
  are looked for among all calls of the site.
-#}
{% set follow_up_days = var('missed_call_follow_up_days', 7) %}
-- depends_on: {{ ref('stg_config__sources') }}
{{ incremental_replacing("
    delete from {{ this }} as missed
    using ({{ missed_call_rebuild_days() }}) as rebuilt
    where missed.site_id = rebuilt.site_id and missed.call_date_local = rebuilt.call_date_local
") }}

{#- fct_calls is read in two places, not through one CTE: DuckDB materializes a CTE read twice, which
    copied every call of the table before the scope's joins could filter it -#}
with
{% if is_incremental() %}
rebuilt as (
    {{ missed_call_rebuild_days() }}
),

{# the calls that can follow up a rebuilt missed call: from its day to the window after it #}
follow_up_days as (
    select
        site_id,
        min(call_date_local) as first_day,
        cast({{ dbt.dateadd('day', follow_up_days + 1, 'max(call_date_local)') }} as date) as last_day
    from rebuilt
    group by site_id
),
{% endif %}

missed as (
    select
        calls.call_id, calls.site_id, calls.source_name, calls.call_date_local, calls.started_at_utc,
        calls.started_at_local, calls.caller_number_e164, calls.company_number_e164, calls.first_called_extension,
        calls.queue_name, calls.disposition, calls.ring_seconds
    from {{ ref('fct_calls') }} as calls
    {% if is_incremental() -%}
    inner join rebuilt on calls.site_id = rebuilt.site_id and calls.call_date_local = rebuilt.call_date_local
    {% endif -%}
    where calls.direction = 'inbound' and calls.disposition <> 'answered'
),

answered_contacts as (
    select
        calls.site_id,
        calls.started_at_utc,
        calls.call_id,
        calls.extension,
        case when calls.direction = 'outbound' then calls.called_number_e164 else calls.caller_number_e164 end
            as number_e164,
        calls.direction
    from {{ ref('fct_calls') }} as calls
    {% if is_incremental() -%}
    inner join follow_up_days
        on calls.site_id = follow_up_days.site_id
        and calls.call_date_local between follow_up_days.first_day and follow_up_days.last_day
    {% endif -%}
    where calls.disposition = 'answered' and calls.direction in ('inbound', 'outbound')
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
{{ clustered_by_call_day() }}
