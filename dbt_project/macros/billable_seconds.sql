{#- Seconds a carrier bills for a talk time: first increment, then whole next increments. -#}
{% macro billable_seconds(talk_seconds, initial_increment, next_increment) -%}
case
    when {{ talk_seconds }} <= 0 then 0
    when {{ talk_seconds }} <= {{ initial_increment }} then {{ initial_increment }}
    else {{ initial_increment }}
        + cast(ceil(({{ talk_seconds }} - {{ initial_increment }}) / cast({{ next_increment }} as double)) as integer)
        * {{ next_increment }}
end
{%- endmacro %}
