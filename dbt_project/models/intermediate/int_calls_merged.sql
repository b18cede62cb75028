{#-
  Legs merged into calls. A call is answered if any leg was, else busy if any
  leg was busy, else no answer, else failed. Talk time is the sum of billable
  seconds over legs (parallel-ringing legs that lost bill nothing; a transfer's
  legs follow one another). Direction, caller and called number come from the
  first leg; the extension is the first one that answered, the final extension
  the last one that answered (who finally took the call after transfers). Quality flags
  are the distinct flags validation at load gave any of its legs' records, sorted.
  Hold and park time are the sums over legs (null where the format writes neither); who
  released the call is who released its last leg: the answered leg that ended last, else
  the leg that ended last (docs/call-model.md).
  Incremental by (source, call_date_local), like every call-level model (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with legs as (
    select legs.*
    from {{ ref('int_call_legs_unioned') }} as legs
    {{ rebuild_scope_join('legs.source_name', 'legs.call_date_local') }}
),

leg_flags as (
    select call_id, unnest(string_split(quality_flags, ',')) as quality_flag
    from legs
    where quality_flags is not null
),

call_flags as (
    select call_id, string_agg(distinct quality_flag, ',' order by quality_flag) as quality_flags
    from leg_flags
    group by call_id
),

last_legs as (
    select call_id, released_by
    from (
        select
            call_id,
            released_by,
            row_number() over (
                partition by call_id
                order by case when leg_disposition = 'answered' then 0 else 1 end, ended_at_utc desc, leg_order desc
            ) as position_from_end
        from legs
    ) as ordered
    where position_from_end = 1
),

calls as (
    select
        call_id,
        any_value(source_name) as source_name,
        any_value(pbx_format) as pbx_format,
        any_value(site_id) as site_id,
        any_value(site_timezone) as site_timezone,
        min(started_at_utc) as started_at_utc,
        arg_min(started_at_local, started_at_utc) as started_at_local,  -- the first leg's: local times repeat in autumn
        any_value(call_date_local) as call_date_local,
        min(answered_at_utc) as answered_at_utc,
        max(ended_at_utc) as ended_at_utc,
        max(leg_direction) filter (where leg_order = 1) as direction,
        case
            when bool_or(leg_disposition = 'answered') then 'answered'
            when bool_or(leg_disposition = 'busy') then 'busy'
            when bool_or(leg_disposition = 'no_answer') then 'no_answer'
            else 'failed'
        end as disposition,
        max(caller_number) filter (where leg_order = 1) as caller_number,
        max(called_number) filter (where leg_order = 1) as called_number,
        max(external_number_e164) filter (where leg_order = 1) as external_number_e164,
        coalesce(
            arg_min(extension, leg_order) filter (where leg_disposition = 'answered'),
            max(extension) filter (where leg_order = 1)
        ) as extension,
        max(extension) filter (where leg_order = 1) as first_called_extension,
        arg_max(extension, leg_order) filter (where leg_disposition = 'answered') as final_extension,
        string_agg(extension, ' > ' order by leg_order) filter (where leg_disposition = 'answered')
            as transfer_chain,
        count(*) filter (where leg_disposition = 'answered') as answered_leg_count,
        max(company_number_e164) filter (where leg_order = 1) as company_number_e164,
        arg_min(queue_name, leg_order) filter (where queue_name is not null) as queue_name,
        arg_min(trunk_id, leg_order) filter (where trunk_id is not null) as trunk_id,
        max(account_code) filter (where leg_order = 1) as account_code,
        string_agg(distinct recording_ref, ';' order by recording_ref) as recording_ref,
        count(*) as leg_count,
        max(loaded_at) as loaded_at,
        coalesce(sum(billable_seconds), 0) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(park_seconds) as park_seconds
    from legs
    group by call_id
)

select
    calls.*,
    call_flags.quality_flags,
    last_legs.released_by
from calls
left join call_flags on calls.call_id = call_flags.call_id
left join last_legs on calls.call_id = last_legs.call_id
{{ clustered_by_call_day() }}
