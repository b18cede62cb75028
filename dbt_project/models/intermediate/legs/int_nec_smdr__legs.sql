{#- NEC SMDR records as canonical legs: each record is a call of its own; talk is end - start. -#}
with legs as (
    select * from {{ ref('stg_nec_smdr__legs') }}
)

select
    {{ leg_lineage('nec_smdr') }},
    landed_file_sha256 || ':' || record_no as call_key_in_source,
    record_no as sequence_in_call,
    {{ local_times_only() }},
    'start_end' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds', 'pbx_epoch_utc', 'written_at_utc']) }},
    true as talk_is_end_minus_start,
    {{ leg_outcome_and_parties() }},
    case when record_kind = 'incoming' then route_number end as from_endpoint,
    case when record_kind = 'outgoing' then route_number end as to_endpoint,
    calling_number as from_extension,
    called_party_number as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
