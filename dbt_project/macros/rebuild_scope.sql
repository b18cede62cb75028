{#-
  Incremental facts by (source, local call date): the days listed in int_rebuild_scope
  are deleted and rebuilt whole, so a reprocessed range is replaced exactly and the
  rest is untouched. A model using these must declare its dependency on the scope:
      -- depends_on: {{ ref('int_rebuild_scope') }}
  because the filter is only rendered in incremental runs.
-#}
{% macro incremental_by_rebuild_scope() -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="
            {% if is_incremental() %}
            delete from {{ this }} as facts
            using {{ ref('int_rebuild_scope') }} as scope
            where facts.source_name = scope.source_name
              and facts.call_date_local = scope.call_date_local
            {% endif %}
        ",
    )
}}
{%- endmacro %}

{#- Keep only rows whose (source, local call date) is being rebuilt, in incremental runs. -#}
{% macro rebuild_scope_join(source_column, date_column) -%}
{% if is_incremental() %}
inner join {{ ref('int_rebuild_scope') }} as rebuild_scope
    on {{ source_column }} = rebuild_scope.source_name
    and {{ date_column }} = rebuild_scope.call_date_local
{% endif %}
{%- endmacro %}
