{#-
  PBX formats whose leg endpoints (from_endpoint, to_endpoint) only ever name a trunk or line,
  never an extension: a named endpoint makes the leg external even when it matches no trunk.
  The same list as ingestion/raw/sample_legs.py (TRUNK_NAMED_FORMATS: the formats whose LEGS entry
  says trunk_fields); tests/dbt_project/test_formats_calls_end_to_end.py keeps them equal.
-#}
{% macro trunk_named_formats() -%}
{{ return(['avaya_ipoffice_smdr', 'avaya_cm_cdr', 'mitel_5000_smdr', 'grandstream_ucm_csv',
    'grandstream_ucm_api', 'panasonic_smdr', 'nec_smdr']) }}
{%- endmacro %}

{#-
  PBX formats whose endpoints may be a channel inside the PBX rather than a trunk or a phone
  (Asterisk Local channels: asterisk_internal_channel). The same list as
  ingestion/raw/sample_legs.py (INTERNAL_CHANNEL_FORMATS: the formats whose LEGS entry has an
  internal_channel test); tests/ingestion/raw/test_sample_legs.py keeps them equal.
-#}
{% macro internal_channel_formats() -%}
{{ return(['asterisk_cdr_csv', 'asterisk_cdr_custom', 'asterisk_cdr_db']) }}
{%- endmacro %}

{#- Whether a leg of int_call_legs_unioned has a channel inside the PBX on a side. -#}
{% macro leg_has_internal_channel(pbx_format, from_endpoint, to_endpoint) -%}
({{ pbx_format }} in ('{{ internal_channel_formats() | join("', '") }}')
    and ({{ asterisk_internal_channel(from_endpoint) }} or {{ asterisk_internal_channel(to_endpoint) }}))
{%- endmacro %}
