{#- MiVoice Business SMDR records as canonical legs: each record is a call of its own. -#}
with legs as (
    select * from {{ ref('stg_mitel_mivb_smdr__legs') }}
)

select
    {{ leg_lineage('mitel_mivb_smdr') }},
    landed_file_sha256 || ':' || record_no as call_key_in_source,
    record_no as sequence_in_call,
    {{ local_times_only() }},
    'start' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds', 'pbx_epoch_utc', 'written_at_utc',
        'talk_is_end_minus_start']) }},
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
