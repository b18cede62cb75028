{#- The key of a number plan row: country calling code, national number length and prefix as one text. -#}
{% macro number_plan_key(country_calling_code, national_number_length, prefix) -%}
{{ country_calling_code }} || '-' || cast({{ national_number_length }} as {{ dbt.type_string() }}) || '-' || {{ prefix }}
{%- endmacro %}
