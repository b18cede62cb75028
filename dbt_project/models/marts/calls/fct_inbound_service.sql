{#-
  Inbound service per call: how long callers waited, whether they were answered within
  the service-level target, or gave up. Answer time is the ring/wait time before the
  first answer; an unanswered inbound call that rang is abandoned.
  Incremental by (source, call_date_local), like fct_calls (macros/rebuild_scope.sql): a new
  service_level_answer_seconds applies to the days built after it; rebuild the rest with
  `dbt build --full-refresh -s fct_inbound_service+` (or ringledger reprocess).
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuild_scope() }}
{% set target_seconds = var('service_level_answer_seconds', 20) %}

with calls as (
    select calls.*
    from {{ ref('fct_calls') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
)

select
    call_id,
    site_id,
    source_name,
    call_date_local,
    started_at_utc,
    started_at_local,
    company_number_e164,
    queue_name,
    first_called_extension,
    final_extension,
    trunk_id,
    disposition,
    disposition = 'answered' as is_answered,
    disposition = 'no_answer' as is_abandoned,
    disposition in ('busy', 'failed') as is_blocked,
    case when disposition = 'answered' then ring_seconds end as answer_seconds,
    case when disposition <> 'answered' then ring_seconds end as abandon_after_seconds,
    disposition = 'answered' and ring_seconds <= {{ target_seconds }} as is_within_service_level,
    talk_seconds,
    transfer_count
from calls
where direction = 'inbound'
{{ clustered_by_call_day() }}
