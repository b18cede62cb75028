{#- A dimension's surrogate key: md5 of the given columns joined with '|' (nulls as ''). -#}
{% macro surrogate_key(columns) -%}
md5(concat_ws('|', {% for column in columns %}coalesce(cast({{ column }} as varchar), ''){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
