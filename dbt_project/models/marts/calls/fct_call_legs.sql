{#-
  One row per call leg (PBX record) with its lineage: the landed file and line it came
  from. Incremental by the call's (source, local date), like fct_calls.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuild_scope() }}

with legs as (
    select legs.*
    from {{ ref('int_call_legs_unioned') }} as legs
    {{ rebuild_scope_join('legs.source_name', 'legs.call_date_local') }}
)

select
    legs.leg_id,
    legs.call_id,
    legs.site_id,
    legs.source_name,
    legs.pbx_format,
    legs.call_date_local,
    cast(legs.leg_order as integer) as leg_order,
    legs.leg_direction,
    legs.leg_disposition,
    legs.started_at_utc,
    legs.answered_at_utc,
    legs.ended_at_utc,
    legs.started_at_local,
    legs.extension,
    legs.trunk_id,
    legs.external_number_e164,
    legs.company_number_e164,
    legs.queue_name,
    cast(legs.billable_seconds as integer) as billable_seconds,
    cast(legs.hold_seconds as integer) as hold_seconds,
    cast(legs.park_seconds as integer) as park_seconds,
    legs.released_by,
    legs.account_code,
    legs.landed_file_sha256,
    legs.landed_path,
    legs.record_no,
    legs.quality_flags,
    legs.loaded_at
from legs
{{ clustered_by_call_day() }}
