{#- Whether digits lie in a 'first-last' range of equal-length numbers (a single value is its own range). -#}
{% macro in_number_range(digits, range_first, range_last) -%}
(
    length({{ digits }}) = length({{ range_first }})
    and {{ digits }} between {{ range_first }} and {{ range_last }}
)
{%- endmacro %}
