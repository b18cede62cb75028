{#-
  Voice quality of each Cisco UCM leg: the CMR of its originating endpoint and the CMR of
  its destination endpoint, joined on the global call id and the leg identifiers. A leg
  without CMRs (unanswered, or CMRs not collected) has no row here.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql): an incremental run
  stages again only the CDR files that hold the legs of the calls in scope.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuild_scope() }}

{% if is_incremental() -%}
{%- set files = query_column(
    'select distinct legs.landed_file_sha256 from ' ~ ref('int_call_legs_unioned') ~ ' as legs'
    ~ ' semi join ' ~ rebuild_scope_relation() ~ ' as scope'
    ~ ' on legs.source_name = scope.source_name and legs.call_date_local = scope.call_date_local'
    ~ " where legs.pbx_format = 'cisco_cucm_cdr'"
) -%}
{%- endif %}

with legs as (
    select * from {{ ref('stg_cisco_cucm_cdr__legs') }}
    {% if is_incremental() %}where {{ in_files('landed_file_sha256', files) }}{% endif %}
),

call_days as (
    select unioned.leg_id, unioned.call_date_local
    from {{ ref('int_call_legs_unioned') }} as unioned
    {{ rebuild_scope_join('unioned.source_name', 'unioned.call_date_local') }}
    where unioned.pbx_format = 'cisco_cucm_cdr'
),

quality as (
    select * from {{ ref('stg_cisco_cucm_cmr__quality') }}
),

sources as (
    select * from {{ ref('stg_config__sources') }}
),

cdr_legs as (
    select
        legs.source_name || ':' || legs.landed_file_sha256 || ':' || legs.record_no as leg_id,
        legs.source_name || ':' || legs.call_key_in_source as call_id,
        legs.source_name,
        sources.site_id,
        legs.call_key_in_source,
        legs.orig_leg_identifier,
        legs.dest_leg_identifier
    from legs
    inner join sources on legs.source_name = sources.source_name
),

cdr_legs_dated as (
    select cdr_legs.*, call_days.call_date_local
    from cdr_legs
    inner join call_days on cdr_legs.leg_id = call_days.leg_id
),

cmr_at_site as (
    select quality.*, sources.site_id
    from quality
    inner join sources on quality.source_name = sources.source_name
)

select
    cdr_legs.leg_id,
    cdr_legs.call_id,
    cdr_legs.source_name,
    cdr_legs.call_date_local,
    orig.device_name as orig_device_name,
    orig.jitter_ms as orig_jitter_ms,
    orig.latency_ms as orig_latency_ms,
    orig.packet_loss_ratio as orig_packet_loss_ratio,
    orig.cumulative_conceal_ratio as orig_conceal_ratio,
    orig.mos_listening_quality as orig_mos,
    orig.max_jitter_ms as orig_max_jitter_ms,
    dest.device_name as dest_device_name,
    dest.jitter_ms as dest_jitter_ms,
    dest.latency_ms as dest_latency_ms,
    dest.packet_loss_ratio as dest_packet_loss_ratio,
    dest.cumulative_conceal_ratio as dest_conceal_ratio,
    dest.mos_listening_quality as dest_mos,
    dest.max_jitter_ms as dest_max_jitter_ms,
    greatest(orig.cumulative_conceal_ratio, dest.cumulative_conceal_ratio) as worst_conceal_ratio,
    least(orig.mos_listening_quality, dest.mos_listening_quality) as worst_mos
from cdr_legs_dated as cdr_legs
left join cmr_at_site as orig
    on cdr_legs.site_id = orig.site_id
    and cdr_legs.call_key_in_source = orig.call_key_in_source
    and cdr_legs.orig_leg_identifier = orig.leg_identifier
left join cmr_at_site as dest
    on cdr_legs.site_id = dest.site_id
    and cdr_legs.call_key_in_source = dest.call_key_in_source
    and cdr_legs.dest_leg_identifier = dest.leg_identifier
where orig.pkid is not null or dest.pkid is not null
{{ clustered_by_call_day() }}
