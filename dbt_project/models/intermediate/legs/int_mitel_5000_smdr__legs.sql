{#- Mitel 5000 SMDR records as canonical legs: each record is a call of its own, on a trunk or not. -#}
with legs as (
    select * from {{ ref('stg_mitel_5000_smdr__legs') }}
)

select
    {{ leg_lineage('mitel_5000_smdr') }},
    {{ record_is_its_own_call('start') }},
    {{- not_written(['talk_is_end_minus_start']) }},
    leg_disposition,
    billable_seconds,
    {{- not_written(['account_code']) }},
    case when is_incoming then digits else extension end as caller_number,
    case when is_incoming then extension else digits end as called_number,
    case when is_incoming then trunk end as from_endpoint,
    case when not is_incoming then trunk end as to_endpoint,
    case when not is_incoming then extension end as from_extension,
    case when is_incoming then extension end as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
