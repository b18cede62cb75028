{#- dbt's callable builtins that sqlfluff's apply_dbt_builtins does not provide, for linting only
    (dbt_project/.sqlfluff); they behave as while dbt parses (execute false). -#}
{% macro var(name, default=none) -%}{{ return(default) }}{%- endmacro %}
{% macro should_store_failures() -%}{{ return(false) }}{%- endmacro %}
{% macro run_query(sql) -%}{{ return(none) }}{%- endmacro %}
