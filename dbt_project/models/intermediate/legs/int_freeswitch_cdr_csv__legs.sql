{#-
  FreeSWITCH A-legs as canonical legs, one per call. A record written twice (the same uuid,
  e.g. duplicated rows in a re-saved file) counts once: the first in landing order.
-#}
with legs as (
    select * from {{ ref('stg_freeswitch_cdr_csv__legs') }}
    qualify
        row_number() over (
            partition by source_name, call_key_in_source order by landed_file_sha256, record_no
        ) = 1
)

select
    {{ leg_lineage('freeswitch_cdr_csv') }},
    call_key_in_source,
    record_no as sequence_in_call,
    {{ local_times_only() }},
    case when stamps_without_seconds then 'start' else 'start_answer_end' end as written_times,
    duration_seconds as start_to_end_seconds,
    case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
    {{- not_written(['pbx_epoch_utc', 'written_at_utc', 'talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    dialplan_context as from_endpoint,
    {{- not_written(['to_endpoint']) }},
    caller_number as from_extension,
    called_number as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
