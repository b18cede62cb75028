{#- Panasonic SMDR calls (CO-to-CO pairs as one, int_panasonic_smdr__records_paired) as canonical legs. -#}
with legs as (
    select * from {{ ref('int_panasonic_smdr__records_paired') }}
)

select
    {{ leg_lineage('panasonic_smdr') }},
    {{ record_is_its_own_call('end') }},
    {{- not_written(['talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    from_co_line as from_endpoint,
    to_co_line as to_endpoint,
    case when not is_incoming then extension end as from_extension,
    case when is_incoming then extension when is_intercom then called_number end as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
