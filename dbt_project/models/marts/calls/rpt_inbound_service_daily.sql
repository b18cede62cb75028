{#- Inbound service per site, local day and company number (DID): offered, answered, abandoned, service level. -#}
select
    site_id,
    call_date_local,
    coalesce(company_number_e164, 'unknown') as company_number_e164,
    cast(count(*) as integer) as offered,
    cast(count(*) filter (where is_answered) as integer) as answered,
    cast(count(*) filter (where is_abandoned) as integer) as abandoned,
    cast(count(*) filter (where is_blocked) as integer) as blocked,
    cast(count(*) filter (where is_within_service_level) as integer) as answered_within_target,
    cast(avg(answer_seconds) as double) as avg_answer_seconds,
    cast(max(answer_seconds) as integer) as max_answer_seconds,
    cast(
        count(*) filter (where is_within_service_level) / nullif(count(*), 0) as double
    ) as service_level
from {{ ref('fct_inbound_service') }}
group by all
