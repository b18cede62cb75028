{{ config(materialized='view') }}
{#-
  The canonical call-leg schema: every PBX format's legs in one shape, with site,
  UTC and local times, leg direction, trunk, extension and the external number in E.164.
  Each format contributes one CTE mapping its staging model onto the same columns:
  the endpoints on each side (a trunk's name on the PBX, or an extension) decide
  direction; a format that stamps UTC leaves the local times null and vice versa.
  A new format is one more CTE and one more union branch. Branches are unioned by
  name, so a column only some formats have (record_part, recording_ref) is null elsewhere.
  A view: int_call_legs_unioned reads it filtered by landed file (the filter reaches the
  raw tables), so an incremental build stages only the files of the days it rebuilds.
-#}
with asterisk_cdr_csv as (
{{ asterisk_leg_branch('stg_asterisk_cdr_csv__legs', 'asterisk_cdr_csv') }}
),

cisco_cucm_cdr as (
    select
        {{ leg_lineage('cisco_cucm_cdr') }},
        call_key_in_source, origination_epoch as sequence_in_call,
        null::timestamp as started_at_local, null::timestamp as answered_at_local, null::timestamp as ended_at_local,
        started_at_utc, answered_at_utc, ended_at_utc,
        {{ leg_outcome_and_parties() }},
        orig_device as from_endpoint, dest_device as to_endpoint,
        caller_number as from_extension, final_called_number as to_extension,
        hunt_pilot_dn as queue_name
    from {{ ref('stg_cisco_cucm_cdr__legs') }}
),

avaya_ipoffice_smdr as (
    select
        {{ leg_lineage('avaya_ipoffice_smdr') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        {{ leg_outcome_and_parties() }},
        case when direction_flag = 'I' then party2_line end as from_endpoint,
        case when direction_flag <> 'I' then party2_line end as to_endpoint,
        case when direction_flag <> 'I' then party1_extension end as from_extension,
        case when direction_flag = 'I' then party1_extension else party2_extension end as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_avaya_ipoffice_smdr__legs') }}
),

asterisk_cdr_custom as (
{{ asterisk_leg_branch('stg_asterisk_cdr_custom__legs', 'asterisk_cdr_custom') }}
),

asterisk_cdr_db as (
{{ asterisk_leg_branch('stg_asterisk_cdr_db__legs', 'asterisk_cdr_db', where='is_call_record', extra_columns='recording_file as recording_ref') }}
),

threecx_cdr as (
    select
        {{ leg_lineage('threecx_cdr') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
        {{ leg_outcome_and_parties() }},
        from_party_dn as from_endpoint, to_party_dn as to_endpoint,
        from_party_extension as from_extension, to_party_extension as to_extension,
        null::varchar as queue_name,
        to_party_is_external as to_is_external
    from {{ ref('stg_threecx_cdr__legs') }}
),

freeswitch_cdr_csv as (
    select
        {{ leg_lineage('freeswitch_cdr_csv') }},
        call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
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
        {{ leg_outcome_and_parties() }},
        src_trunk_name as from_endpoint, dst_trunk_name as to_endpoint,
        channel_extension as from_extension, dst_channel_extension as to_extension,
        case when action_type like 'RINGGROUP[%' or action_type like 'QUEUE[%' then action_type end as queue_name,
        cdr_part as record_part,
        recording_files as recording_ref
    from {{ ref('stg_grandstream_ucm_api__legs') }}
    where counts_as_leg
),

mitel_5000_smdr as (
    select
        {{ leg_lineage('mitel_5000_smdr') }},
        landed_file_sha256 || ':' || record_no as call_key_in_source, record_no as sequence_in_call,
        {{ local_times_only() }},
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
        {{ leg_outcome_and_parties() }},
        case when record_kind = 'incoming' then route_number end as from_endpoint,
        case when record_kind = 'outgoing' then route_number end as to_endpoint,
        calling_number as from_extension, called_party_number as to_extension,
        null::varchar as queue_name
    from {{ ref('stg_nec_smdr__legs') }}
),

unioned as (
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
),

sources as (
    select * from {{ ref('stg_config__sources') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

trunks as (
    select * from {{ ref('stg_config__trunks') }}
),

dids as (
    select * from {{ ref('stg_config__dids') }}
),

loaded_files as (
    select source as source_name, sha256 as landed_file_sha256, loaded_at
    from {{ source('raw', 'loaded_files') }}
),

classified as (
    select
        unioned.* exclude (started_at_utc, answered_at_utc, ended_at_utc, started_at_local, answered_at_local, ended_at_local),
        sites.site_id,
        sites.site_timezone,
        loaded_files.loaded_at,
        coalesce(unioned.started_at_utc, timezone('UTC', timezone(sites.site_timezone, unioned.started_at_local))) as started_at_utc,
        coalesce(unioned.answered_at_utc, timezone('UTC', timezone(sites.site_timezone, unioned.answered_at_local))) as answered_at_utc,
        coalesce(unioned.ended_at_utc, timezone('UTC', timezone(sites.site_timezone, unioned.ended_at_local))) as ended_at_utc,
        coalesce(unioned.started_at_local, timezone(sites.site_timezone, timezone('UTC', unioned.started_at_utc))) as started_at_local,
        case
            when trunk_in.trunk_id is not null and (trunk_out.trunk_id is not null or unioned.to_is_external) then 'transit'
            when trunk_in.trunk_id is not null then 'inbound'
            when trunk_out.trunk_id is not null or unioned.to_is_external then 'outbound'
            else 'internal'
        end as leg_direction,
        coalesce(trunk_in.trunk_id, trunk_out.trunk_id) as trunk_id,
        case when trunk_in.trunk_id is not null then unioned.to_extension else unioned.from_extension end as extension,
        case
            when trunk_out.trunk_id is not null or unioned.to_is_external
                then {{ to_e164('unioned.called_number', 'sites', strip_access=true) }}
            when trunk_in.trunk_id is not null then {{ to_e164('unioned.caller_number', 'sites') }}
        end as external_number_e164,
        {# the company number dialled: as written (E.164 digits) or in the site's national form #}
        case when trunk_in.trunk_id is not null then coalesce(did_as_written.did_e164, did_national.did_e164) end
            as company_number_e164
    from unioned
    inner join sources on unioned.source_name = sources.source_name
    inner join sites on sources.site_id = sites.site_id
    inner join loaded_files
        on unioned.source_name = loaded_files.source_name
        and unioned.landed_file_sha256 = loaded_files.landed_file_sha256
    left join trunks as trunk_in
        on sites.site_id = trunk_in.site_id and unioned.from_endpoint = trunk_in.pbx_name
    left join trunks as trunk_out
        on sites.site_id = trunk_out.site_id and unioned.to_endpoint = trunk_out.pbx_name
    left join dids as did_as_written
        on sites.site_id = did_as_written.site_id and unioned.called_number = did_as_written.did_e164
    left join dids as did_national
        on sites.site_id = did_national.site_id
        and {{ to_e164('unioned.called_number', 'sites') }} = did_national.did_e164
)

select
    source_name || ':' || landed_file_sha256 || ':' || record_no || coalesce(':' || record_part, '') as leg_id,
    source_name || ':' || call_key_in_source as call_id,
    *
from classified
