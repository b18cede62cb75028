{{ config(materialized='view') }}
{#-
  Every PBX format's canonical legs (models/intermediate/legs/int_<format>__legs, one model
  per format, each under the same enforced contract) as one relation, times still as the
  PBX wrote them: int_call_legs_staged adds the site, UTC and the rest. A new format is one
  more model in legs/ and one more name in leg_formats() (macros/canonical_leg.sql).
  A view: the landed-file filter of the models that read it reaches the raw tables.
  Columns: _legs__models.yml.
-#}
{{ union_canonical_legs(leg_formats()) }}
