{#- 3CX CDRs as canonical legs: one row per call, between the parties at its end (staging). -#}
with legs as (
    select * from {{ ref('stg_threecx_cdr__legs') }}
)

select
    {{ leg_lineage('threecx_cdr') }},
    call_key_in_source,
    record_no as sequence_in_call,
    {{ local_times_only() }},
    'start_answer_end' as written_times,
    {{- not_written(['start_to_end_seconds']) }},
    case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
    {{ epoch_in_threecx_callid('call_key_in_source') }} as pbx_epoch_utc,
    {{- not_written(['written_at_utc', 'talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    from_party_dn as from_endpoint,
    to_party_dn as to_endpoint,
    from_party_extension as from_extension,
    to_party_extension as to_extension,
    to_party_is_external as to_is_external,
    {{- not_written(['queue_name', 'record_part', 'recording_ref', 'hold_seconds', 'park_seconds']) }},
    released_by
from legs
