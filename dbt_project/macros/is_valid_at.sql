{#- True when the SCD2 row `version` (valid_from inclusive, valid_to exclusive) holds at `moment`. -#}
{% macro is_valid_at(version, moment) -%}
({{ moment }} >= cast({{ version }}.valid_from as timestamp) and {{ moment }} < cast({{ version }}.valid_to as timestamp))
{%- endmacro %}
