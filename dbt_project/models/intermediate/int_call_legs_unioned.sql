{#-
  The canonical call-leg schema: every PBX format's legs, with site, UTC times,
  leg direction, trunk, extension and the external number in E.164.
  New formats join here with one more CTE and one more union branch.
-#}
with sources as (
    select * from {{ ref('stg_config__sources') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

trunks as (
    select * from {{ ref('stg_config__trunks') }}
),

loaded_files as (
    select source as source_name, sha256 as landed_file_sha256, loaded_at
    from {{ source('raw', 'loaded_files') }}
),

asterisk_legs as (
    select
        legs.source_name,
        'asterisk_cdr_csv' as pbx_format,
        legs.landed_file_sha256,
        legs.landed_path,
        legs.record_no,
        legs.linked_id as call_key_in_source,
        legs.cdr_sequence as sequence_in_call,
        sites.site_id,
        sites.site_timezone,
        legs.started_at_local,
        legs.answered_at_local,
        legs.ended_at_local,
        legs.leg_disposition,
        legs.duration_seconds,
        legs.billable_seconds,
        legs.account_code,
        legs.caller_number,
        legs.called_number,
        case
            when trunk_in.trunk_id is not null and trunk_out.trunk_id is not null then 'transit'
            when trunk_in.trunk_id is not null then 'inbound'
            when trunk_out.trunk_id is not null then 'outbound'
            else 'internal'
        end as leg_direction,
        coalesce(trunk_in.trunk_id, trunk_out.trunk_id) as trunk_id,
        case
            when trunk_in.trunk_id is not null then legs.dst_channel_endpoint
            else legs.channel_endpoint
        end as extension,
        case
            when trunk_out.trunk_id is not null then {{ to_e164('legs.called_number', 'sites', strip_access=true) }}
            when trunk_in.trunk_id is not null then {{ to_e164('legs.caller_number', 'sites') }}
        end as external_number_e164
    from {{ ref('stg_asterisk_cdr_csv__legs') }} as legs
    inner join sources on legs.source_name = sources.source_name
    inner join sites on sources.site_id = sites.site_id
    left join trunks as trunk_in
        on sites.site_id = trunk_in.site_id and legs.channel_endpoint = trunk_in.pbx_name
    left join trunks as trunk_out
        on sites.site_id = trunk_out.site_id and legs.dst_channel_endpoint = trunk_out.pbx_name
),

unioned as (
    select * from asterisk_legs
)

select
    unioned.source_name || ':' || unioned.landed_file_sha256 || ':' || unioned.record_no as leg_id,
    unioned.source_name || ':' || unioned.call_key_in_source as call_id,
    unioned.*,
    loaded_files.loaded_at,
    timezone('UTC', timezone(site_timezone, started_at_local)) as started_at_utc,
    timezone('UTC', timezone(site_timezone, answered_at_local)) as answered_at_utc,
    timezone('UTC', timezone(site_timezone, ended_at_local)) as ended_at_utc,
    row_number() over (
        partition by unioned.source_name, unioned.call_key_in_source
        order by unioned.started_at_local, unioned.sequence_in_call, unioned.landed_file_sha256, unioned.record_no
    ) as leg_order
from unioned
inner join loaded_files
    on unioned.source_name = loaded_files.source_name
    and unioned.landed_file_sha256 = loaded_files.landed_file_sha256
