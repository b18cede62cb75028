{{ config(materialized='view') }}
{#-
  Every PBX format's staged legs mapped onto one set of columns, times still as the PBX
  wrote them: int_call_legs_staged adds the site, UTC and the rest. One CTE per format;
  a new format is one more CTE and one more union branch. Branches are unioned by name,
  so a column only some formats have (record_part, recording_ref, pbx_epoch_utc …) is
  null elsewhere.

  Time columns (see docs/clock-changes.md):
  - started_at_local, answered_at_local, ended_at_local: naive wall clock of the site,
    as written or derived by staging from the record's durations; or the *_at_utc
    columns for a PBX that writes UTC;
  - written_times: which of them the PBX wrote ('start', 'end', 'start_end',
    'start_answer_end'; 'utc' for UTC formats); the others were derived from durations;
  - start_to_end_seconds, answer_to_end_seconds: the record's own durations linking its
    times, where the format writes them;
  - pbx_epoch_utc: a UTC instant the PBX put in an identifier (Asterisk and Grandstream
    uniqueid, 3CX v15/v16 callid): when the channel or call was created;
  - written_at_utc: when the PBX wrote the record, in UTC (IP Office R11 SMDR record time);
  - talk_is_end_minus_start: billable seconds were counted from the start and end stamps.

  What the PBX says beyond ring and talk (docs/call-model.md), null where a format does not say:
  - hold_seconds, park_seconds: the leg's time on hold and parked (IP Office writes both;
    Grandstream and Asterisk write a parked caller's time as a leg of its own, lastapp Park);
  - released_by: 'caller' or 'called', the side that hung up (Cisco cause / OnBehalfOf, 3CX
    reason-terminated).
-#}

{%- set asterisk_times -%}
        'start_answer_end' as written_times,
        duration_seconds as start_to_end_seconds,
        billable_seconds as answer_to_end_seconds,
        {{ epoch_in_asterisk_uniqueid('unique_id') }} as pbx_epoch_utc,
        {{ parked_leg_seconds() }}
{%- endset -%}
{%- set asterisk_db_times -%}
        'start' as written_times,
        {{ epoch_in_asterisk_uniqueid('unique_id') }} as pbx_epoch_utc,
        {{ parked_leg_seconds() }}
{%- endset %}

with asterisk_cdr_csv as (
{{ asterisk_leg_branch('stg_asterisk_cdr_csv__legs', 'asterisk_cdr_csv', extra_columns=asterisk_times) }}
),

cisco_cucm_cdr as (
    select
        {{ leg_lineage('cisco_cucm_cdr') }},
        call_key_in_source, origination_epoch as sequence_in_call,
        null::timestamp as started_at_local, null::timestamp as answered_at_local, null::timestamp as ended_at_local,
        started_at_utc, answered_at_utc, ended_at_utc,
        'utc' as written_times,
        {{ leg_outcome_and_parties() }},
        orig_device as from_endpoint, dest_device as to_endpoint,
        caller_number as from_extension, final_called_number as to_extension,
        hunt_pilot_dn as queue_name,
        released_by
    from {{ ref('stg_cisco_cucm_cdr__legs') }}
),

avaya_ipoffice_smdr as (
    select
        {{ leg_lineage('avaya_ipoffice_smdr') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start' as written_times,
        record_written_at_utc as written_at_utc,
        {{ leg_outcome_and_parties() }},
        case when direction_flag = 'I' then party2_line end as from_endpoint,
        case when direction_flag <> 'I' then party2_line end as to_endpoint,
        case when direction_flag <> 'I' then party1_extension end as from_extension,
        case when direction_flag = 'I' then party1_extension else party2_extension end as to_extension,
        null::varchar as queue_name,
        hold_seconds, park_seconds
    from {{ ref('stg_avaya_ipoffice_smdr__legs') }}
),

asterisk_cdr_custom as (
{{ asterisk_leg_branch('stg_asterisk_cdr_custom__legs', 'asterisk_cdr_custom', extra_columns=asterisk_times) }}
),

asterisk_cdr_db as (
{{ asterisk_leg_branch('stg_asterisk_cdr_db__legs', 'asterisk_cdr_db', where='is_call_record',
    extra_columns='recording_file as recording_ref,\n' ~ asterisk_db_times) }}
),

threecx_cdr as (
    select
        {{ leg_lineage('threecx_cdr') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start_answer_end' as written_times,
        case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
        {{ epoch_in_threecx_callid('call_key_in_source') }} as pbx_epoch_utc,
        {{ leg_outcome_and_parties() }},
        from_party_dn as from_endpoint, to_party_dn as to_endpoint,
        from_party_extension as from_extension, to_party_extension as to_extension,
        null::varchar as queue_name,
        to_party_is_external as to_is_external,
        released_by
    from {{ ref('stg_threecx_cdr__legs') }}
),

freeswitch_cdr_csv as (
    select
        {{ leg_lineage('freeswitch_cdr_csv') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        case when stamps_without_seconds then 'start' else 'start_answer_end' end as written_times,
        duration_seconds as start_to_end_seconds,
        case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
        {{ leg_outcome_and_parties() }},
        dialplan_context as from_endpoint, null::varchar as to_endpoint,
        caller_number as from_extension, called_number as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_freeswitch_cdr_csv__legs') }}
),

grandstream_ucm_api as (
    select
        {{ leg_lineage('grandstream_ucm_api') }},
        call_key_in_source, acct_id as sequence_in_call,
        {{ local_times_only() }},
        'start_answer_end' as written_times,
        duration_seconds as start_to_end_seconds,
        case when answered_at_local is not null then billable_seconds end as answer_to_end_seconds,
        {{ epoch_in_asterisk_uniqueid('unique_id') }} as pbx_epoch_utc,
        {{ leg_outcome_and_parties() }},
        src_trunk_name as from_endpoint, dst_trunk_name as to_endpoint,
        channel_extension as from_extension, dst_channel_extension as to_extension,
        case when action_type like 'RINGGROUP[%' or action_type like 'QUEUE[%' then action_type end as queue_name,
        cdr_part as record_part,
        recording_files as recording_ref,
        park_seconds
    from {{ ref('stg_grandstream_ucm_api__legs') }}
    where counts_as_leg
),

mitel_5000_smdr as (
    select
        {{ leg_lineage('mitel_5000_smdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start' as written_times,
        leg_disposition, billable_seconds, null::varchar as account_code,
        case when is_incoming then digits else extension end as caller_number,
        case when is_incoming then extension else digits end as called_number,
        case when is_incoming then trunk end as from_endpoint, case when not is_incoming then trunk end as to_endpoint,
        case when not is_incoming then extension end as from_extension,
        case when is_incoming then extension end as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_mitel_5000_smdr__legs') }}
),

mitel_mivb_smdr as (
    select
        {{ leg_lineage('mitel_mivb_smdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start' as written_times,
        leg_disposition, billable_seconds, account_code, calling_party as caller_number, called_number,
        calling_party as from_endpoint, called_party as to_endpoint,
        calling_party as from_extension, called_party as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_mitel_mivb_smdr__legs') }}
),

avaya_cm_cdr as (
    select
        {{ leg_lineage('avaya_cm_cdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start' as written_times,
        leg_disposition, billable_seconds, account_code, calling_number as caller_number,
        dialed_number as called_number,
        incoming_trunk as from_endpoint, outgoing_trunk as to_endpoint,
        calling_number as from_extension, case when record_kind <> 'outgoing' then dialed_number end as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_avaya_cm_cdr__legs') }}
),

panasonic_smdr as (
    select
        {{ leg_lineage('panasonic_smdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'end' as written_times,
        {{ leg_outcome_and_parties() }},
        from_co_line as from_endpoint, to_co_line as to_endpoint,
        case when not is_incoming then extension end as from_extension,
        case when is_incoming then extension when is_intercom then called_number end as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_panasonic_smdr__legs') }}
),

nec_smdr as (
    select
        {{ leg_lineage('nec_smdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        'start_end' as written_times,
        true as talk_is_end_minus_start,
        {{ leg_outcome_and_parties() }},
        case when record_kind = 'incoming' then route_number end as from_endpoint,
        case when record_kind = 'outgoing' then route_number end as to_endpoint,
        calling_number as from_extension, called_party_number as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_nec_smdr__legs') }}
)

select * from asterisk_cdr_csv
union all by name
select * from cisco_cucm_cdr
union all by name
select * from avaya_ipoffice_smdr
union all by name
select * from asterisk_cdr_custom
union all by name
select * from asterisk_cdr_db
union all by name
select * from threecx_cdr
union all by name
select * from freeswitch_cdr_csv
union all by name
select * from mitel_5000_smdr
union all by name
select * from mitel_mivb_smdr
union all by name
select * from avaya_cm_cdr
union all by name
select * from panasonic_smdr
union all by name
select * from nec_smdr
{# last and by name: one Grandstream line holds several CDRs, record_part tells them apart #}
union all by name
select * from grandstream_ucm_api
