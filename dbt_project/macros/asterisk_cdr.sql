{#- Asterisk's disposition text (cdr_csv, cdr_custom, cdr table) as a canonical leg disposition. -#}
{% macro asterisk_leg_disposition(disposition) -%}
case upper(trim({{ disposition }}))
    when 'ANSWERED' then 'answered'
    when 'NO ANSWER' then 'no_answer'
    when 'BUSY' then 'busy'
    when 'FAILED' then 'failed'
    when 'CONGESTION' then 'failed'
end
{%- endmacro %}

{#-
  The peer or device of an Asterisk channel name, which names a trunk or an extension:
  'PJSIP/telekom-0000001a' -> 'telekom'; 'Local/2101@ctx-00000001;2' -> '2101@ctx'.
-#}
{% macro asterisk_channel_endpoint(channel) -%}
nullif(regexp_extract({{ channel }}, '^[^/]+/(.+)-[0-9a-fA-F]+(;[0-9])?$', 1), '')
{%- endmacro %}
