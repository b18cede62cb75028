{#-
  The value of `key` in a 'key=value;key=value' text (Cisco's varVQMetrics), or null when the
  key is absent or its value empty. The key must be free of regular-expression metacharacters.
-#}
{% macro key_value(column, key) -%}
nullif(regexp_extract({{ column }}, '(?:^|;){{ key }}=([^;]*)', 1), '')
{%- endmacro %}
