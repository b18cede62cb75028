{#-
  Inbound service per site, local day and company number (DID): offered, answered, abandoned, service level.
  Incremental by local day, as rpt_calls_daily (macros/rebuild_scope.sql, incremental_by_rebuilt_days).
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuilt_days() }}

select
    service.site_id,
    service.call_date_local,
    coalesce(service.company_number_e164, 'unknown') as company_number_e164,
    cast(count(*) as integer) as offered,
    cast(count(*) filter (where service.is_answered) as integer) as answered,
    cast(count(*) filter (where service.is_abandoned) as integer) as abandoned,
    cast(count(*) filter (where service.is_blocked) as integer) as blocked,
    cast(count(*) filter (where service.is_within_service_level) as integer) as answered_within_target,
    cast(avg(service.answer_seconds) as double) as avg_answer_seconds,
    cast(max(service.answer_seconds) as integer) as max_answer_seconds,
    cast(
        count(*) filter (where service.is_within_service_level) / nullif(count(*), 0) as double
    ) as service_level
from {{ ref('fct_inbound_service') }} as service
{% if is_incremental() -%}
where service.call_date_local in (select scope.call_date_local from {{ rebuild_scope_relation() }} as scope)
{% endif -%}
group by all
