{#- Avaya CM TELESEER records as canonical legs: each record is a call of its own. -#}
with legs as (
    select * from {{ ref('stg_avaya_cm_cdr__legs') }}
)

select
    {{ leg_lineage('avaya_cm_cdr') }},
    {{ record_is_its_own_call('start') }},
    {{- not_written(['talk_is_end_minus_start']) }},
    leg_disposition,
    billable_seconds,
    account_code,
    calling_number as caller_number,
    dialed_number as called_number,
    incoming_trunk as from_endpoint,
    outgoing_trunk as to_endpoint,
    calling_number as from_extension,
    case when record_kind <> 'outgoing' then dialed_number end as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
