{#-
  Which (source, local call date) pairs this build rebuilds in the incremental facts.
  - reprocessing (vars reprocess_from/to, optional reprocess_source): every day in the
    range, whether or not calls remain, so facts for those days are replaced exactly;
  - an incremental run: the days touched by files loaded since the facts were last built;
  - the first build: every day there is.
-#}
{{ config(materialized='table') }}

{%- set reprocess_from = var('reprocess_from') -%}
{%- set reprocess_to = var('reprocess_to') -%}
{%- set reprocess_source = var('reprocess_source') -%}
{%- set facts = adapter.get_relation(database=target.database, schema='marts', identifier='fct_calls') -%}

with calls as (
    select source_name, cast(started_at_local as date) as call_date_local, loaded_at
    from {{ ref('int_calls_merged') }}
)

{% if reprocess_from %}
select sources.source_name, cast(days.day as date) as call_date_local
from {{ ref('stg_config__sources') }} as sources
cross join range(
    cast('{{ reprocess_from }}' as date),
    cast('{{ reprocess_to or reprocess_from }}' as date) + interval 1 day,
    interval 1 day
) as days (day)
{% if reprocess_source %}where sources.source_name = '{{ reprocess_source }}'{% endif %}
{% elif facts is not none %}
select distinct source_name, call_date_local
from calls
where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ facts }})
{% else %}
select distinct source_name, call_date_local
from calls
{% endif %}
