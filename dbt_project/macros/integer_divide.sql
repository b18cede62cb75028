{#- Whole-number division of two integers, rounded toward zero, without floating point. -#}
{% macro integer_divide(numerator, denominator) -%}
{{ return(adapter.dispatch('integer_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
(({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
(({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}
