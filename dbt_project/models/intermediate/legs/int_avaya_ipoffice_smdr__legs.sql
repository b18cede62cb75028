{#-
  IP Office SMDR call segments as canonical legs. Every segment carries its call's start;
  a segment begins when the segments written before it for the same call ended (the first
  at Call Start), within its landed file: a replayed buffer repeats whole calls in another
  file, so adding up across files would count a replayed segment twice (docs/call-model.md).
  Party 1 is the internal party, Party 2 the other end (a trunk line or an extension).
-#}
with segments as (
    select * from {{ ref('stg_avaya_ipoffice_smdr__legs') }}
),

chained as (
    select
        *,
        coalesce(sum(segment_seconds) over (
            partition by source_name, landed_file_sha256, call_key_in_source
            order by record_no rows between unbounded preceding and 1 preceding
        ), 0) as seconds_before_segment
    from segments
)

select
    {{ leg_lineage('avaya_ipoffice_smdr') }},
    call_key_in_source,
    record_no as sequence_in_call,
    call_started_at_local + to_seconds(seconds_before_segment) as started_at_local,
    case
        when connected_seconds > 0 then call_started_at_local + to_seconds(seconds_before_segment + ring_seconds)
    end as answered_at_local,
    call_started_at_local + to_seconds(seconds_before_segment + segment_seconds) as ended_at_local,
    {{- not_written(['started_at_utc', 'answered_at_utc', 'ended_at_utc']) }},
    'start' as written_times,
    {{- not_written(['start_to_end_seconds', 'answer_to_end_seconds', 'pbx_epoch_utc']) }},
    record_written_at_utc as written_at_utc,
    {{- not_written(['talk_is_end_minus_start']) }},
    {{ leg_outcome_and_parties() }},
    case when direction_flag = 'I' then party2_line end as from_endpoint,
    case when direction_flag <> 'I' then party2_line end as to_endpoint,
    case when direction_flag <> 'I' then party1_extension end as from_extension,
    case when direction_flag = 'I' then party1_extension else party2_extension end as to_extension,
    {{- not_written(['to_is_external', 'queue_name', 'record_part', 'recording_ref']) }},
    hold_seconds,
    park_seconds,
    {{- not_written(['released_by']) }}
from chained
