{#-
  Grandstream UCM CDR objects as canonical legs. A call is the session of the first leg of
  the caller's channel (uniqueid), which keeps its uniqueid through parking, ring groups and
  transfers while the session changes when a parked call is picked up; a record without a
  uniqueid is its session's. Call summaries (main_cdr) and parked-call pickups are not legs.
-#}
with records as (
    select * from {{ ref('stg_grandstream_ucm_api__legs') }}
),

calls as (
    select
        *,
        case
            when unique_id is null then session_id
            else first_value(session_id) over (partition by source_name, unique_id order by started_at_local, acct_id)
        end as call_key_in_source
    from records
)

select
    {{ leg_lineage('grandstream_ucm_api') }},
    call_key_in_source,
    acct_id as sequence_in_call,
    {{ local_times_only() }},
    'start_answer_end' as written_times,
    duration_seconds as start_to_end_seconds,
    case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
    {{ epoch_in_asterisk_uniqueid('unique_id') }} as pbx_epoch_utc,
    {{- not_written(['written_at_utc', 'talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    src_trunk_name as from_endpoint,
    dst_trunk_name as to_endpoint,
    channel_extension as from_extension,
    dst_channel_extension as to_extension,
    {{- not_written(['to_is_external']) }},
    case when action_type like 'RINGGROUP[%' or action_type like 'QUEUE[%' then action_type end as queue_name,
    cdr_part as record_part,
    recording_files as recording_ref,
    {{- not_written(['hold_seconds']) }},
    park_seconds,
    {{- not_written(['released_by']) }}
from calls
where counts_as_leg
