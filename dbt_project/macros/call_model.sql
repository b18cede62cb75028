{#-
  What the PBX says about a leg beyond ring and talk (docs/call-model.md).
  An Asterisk-family CDR (Asterisk, Grandstream UCM) whose last application is Park and
  that is bridged to no channel is the parked caller waiting in the lot: its billable
  seconds are its time parked. (After a pickup the caller's record still names Park but
  is bridged to the phone that took it: that is talk.) Any other leg says nothing about
  parking: null. Asterisk writes no hold time.
-#}
{% macro parked_leg_seconds() -%}
case when last_application = 'Park' and dst_channel is null then billable_seconds end as park_seconds
{%- endmacro %}
