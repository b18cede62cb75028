{#- MiVoice Business SMDR records as canonical legs: each record is a call of its own. -#}
with legs as (
    select * from {{ ref('stg_mitel_mivb_smdr__legs') }}
)

select
    {{ leg_lineage('mitel_mivb_smdr') }},
    {{ record_is_its_own_call('start') }},
    {{- not_written(['talk_is_end_minus_start']) }},
    leg_disposition,
    billable_seconds,
    account_code,
    calling_party as caller_number,
    called_number,
    calling_party as from_endpoint,
    called_party as to_endpoint,
    calling_party as from_extension,
    called_party as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref', 'hold_seconds',
        'park_seconds', 'released_by']) }}
from legs
