{#- NEC SMDR records as canonical legs: each record is a call of its own; talk is end - start. -#}
with legs as (
    select * from {{ ref('stg_nec_smdr__legs') }}
)

select
    {{ leg_lineage('nec_smdr') }},
    {{ record_is_its_own_call('start_end') }},
    true as talk_is_end_minus_start,
    {{ leg_outcome_and_parties() }},
    case when record_kind = 'incoming' then route_number end as from_endpoint,
    case when record_kind = 'outgoing' then route_number end as to_endpoint,
    calling_number as from_extension,
    called_party_number as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
