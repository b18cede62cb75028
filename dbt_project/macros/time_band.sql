{#-
  The band of a site-local time: holiday, weekend, lunch, business_hours or after_hours.
  Holidays win over weekends; lunch and business hours include their start and exclude their end.
-#}
{% macro time_band(local_ts, is_holiday, opens, closes, lunch_start, lunch_end) -%}
case
    when {{ is_holiday }} then 'holiday'
    when isodow({{ local_ts }}) >= 6 then 'weekend'
    when cast({{ local_ts }} as time) >= {{ lunch_start }} and cast({{ local_ts }} as time) < {{ lunch_end }} then 'lunch'
    when cast({{ local_ts }} as time) >= {{ opens }} and cast({{ local_ts }} as time) < {{ closes }} then 'business_hours'
    else 'after_hours'
end
{%- endmacro %}
