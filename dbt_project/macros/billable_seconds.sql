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

{#-
  Exact cost in 1/10000 of the currency, rounded half up, without floating point:
  (connect_fee + billed_seconds * rate_per_minute / 60), both rates DECIMAL with <= 6 places.
-#}
{% macro rated_cost(connect_fee, rate_per_minute, billed_seconds) -%}
cast(
    (cast(({{ connect_fee }} * 60 + {{ billed_seconds }} * {{ rate_per_minute }}) * 1000000 as hugeint) + 3000) // 6000
    as decimal(18, 0)
) * cast(0.0001 as decimal(5, 4))
{%- endmacro %}
