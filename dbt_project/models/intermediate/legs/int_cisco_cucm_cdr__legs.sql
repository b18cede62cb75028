{#- Cisco UCM CDRs as canonical legs: the PBX writes UTC; the devices are the endpoints. -#}
with legs as (
    select * from {{ ref('stg_cisco_cucm_cdr__legs') }}
)

select
    {{ leg_lineage('cisco_cucm_cdr') }},
    call_key_in_source,
    origination_epoch as sequence_in_call,
    {{- not_written(['started_at_local', 'answered_at_local', 'ended_at_local']) }},
    started_at_utc,
    answered_at_utc,
    ended_at_utc,
    'utc' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds', 'pbx_epoch_utc', 'written_at_utc',
        'talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    orig_device as from_endpoint,
    dest_device as to_endpoint,
    caller_number as from_extension,
    final_called_number as to_extension,
    {{- not_written(['to_is_external']) }},
    hunt_pilot_dn as queue_name,
    {{- not_written(['record_part', 'recording_ref', 'hold_seconds', 'park_seconds']) }},
    released_by
from legs
