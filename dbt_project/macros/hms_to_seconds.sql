{#- 'HH:MM:SS' (hours may exceed 24) to whole seconds; null when it does not parse. -#}
{% macro hms_to_seconds(column) -%}
(
    try_cast(split_part({{ column }}, ':', 1) as integer) * 3600
    + try_cast(split_part({{ column }}, ':', 2) as integer) * 60
    + try_cast(split_part({{ column }}, ':', 3) as integer)
)
{%- endmacro %}
