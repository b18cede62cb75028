{#-
  A two-digit-year date printed in the order a source configures (config/sources.yml
  date_format: MM/DD/YY, DD/MM/YY or YY/MM/DD); null when it does not parse that way.
-#}
{% macro configured_date(text, date_format) -%}
case {{ date_format }}
    when 'MM/DD/YY' then try_strptime({{ text }}, '%m/%d/%y')
    when 'DD/MM/YY' then try_strptime({{ text }}, '%d/%m/%y')
    when 'YY/MM/DD' then try_strptime({{ text }}, '%y/%m/%d')
end
{%- endmacro %}
