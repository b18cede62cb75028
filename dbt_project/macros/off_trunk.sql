{#-
  PBX formats whose leg endpoints (from_endpoint, to_endpoint) only ever name a trunk or line,
  never an extension: a named endpoint makes the leg external even when it matches no trunk.
  The same list as ingestion/raw/sample_legs.py (TRUNK_NAMED_FORMATS: the formats whose LEGS entry
  says trunk_fields); tests/test_formats_calls_end_to_end.py keeps them equal.
-#}
{% macro trunk_named_formats() -%}
{{ return(['avaya_ipoffice_smdr', 'avaya_cm_cdr', 'mitel_5000_smdr', 'grandstream_ucm_csv',
    'grandstream_ucm_api', 'panasonic_smdr', 'nec_smdr']) }}
{%- endmacro %}
