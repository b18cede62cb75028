{#-
  The digits of a number as written: everything but digits and '+' removed. Computed once per
  leg as a column (int_call_legs_staged) and handed to to_e164, which reads it up to ten
  times: a regular expression in each of its branches cost 100 s of 275 at 10 M calls.
-#}
{% macro dial_digits(number) -%}
regexp_replace(coalesce({{ number }}, ''), '[^0-9+]', '', 'g')
{%- endmacro %}

{#-
  Turn a number as dialled (outbound) or as a carrier delivered it (inbound caller), as its
  dial_digits, into E.164 digits without '+', using the site's dial plan columns.
  strip_access: remove the outside-line access code first (numbers dialled by users).
  Rules, in order: '+' given; international prefix; national (trunk) prefix;
  ten or more digits = national significant number without prefix (NANP style);
  otherwise a local number in the site's area.
-#}
{% macro to_e164(digits, dial_plan_alias, strip_access=false) -%}
{%- set p = dial_plan_alias -%}
{%- if strip_access -%}
{%- set d -%}(case when {{ p }}.access_code <> '' and starts_with({{ digits }}, {{ p }}.access_code) then substr({{ digits }}, length({{ p }}.access_code) + 1) else {{ digits }} end){%- endset -%}
{%- else -%}
{%- set d = digits -%}
{%- endif -%}
case
    when {{ d }} = '' then null
    when starts_with({{ d }}, '+') then substr({{ d }}, 2)
    when starts_with({{ d }}, {{ p }}.international_prefix) then substr({{ d }}, length({{ p }}.international_prefix) + 1)
    when starts_with({{ d }}, {{ p }}.national_prefix) then {{ p }}.country_code || substr({{ d }}, length({{ p }}.national_prefix) + 1)
    when length({{ d }}) >= 10 then {{ p }}.country_code || {{ d }}
    else {{ p }}.country_code || {{ p }}.local_area_code || {{ d }}
end
{%- endmacro %}
