{#-
  The records that failed a data-quality test of single records on a PBX format's staging
  model (not_null, accepted_values: macros/record_tests.sql), one row per test and record,
  with the landed file and line. Those tests check only the files a build stages, and dbt
  keeps only the last run's failing rows (the data_quality schema): this table keeps every
  tested file's, so rpt_data_quality_findings still reports a bad record of an older file.
  Incremental: a build replaces the failures of the files its tests stored failures of
  (macros/record_tests.sql: replaced_staging_test_failures).
  It runs after those tests: every PBX staging model is an ancestor.
-#}
-- depends_on: {{ ref('int_call_legs_mapped') }}
-- depends_on: {{ ref('stg_cisco_cucm_cmr__quality') }}
{{ incremental_replacing("delete from {{ this }} as kept where {{ replaced_staging_test_failures('kept') }}") }}

with failures as (
    {{ staging_test_failures() }}
)

select
    check_name,
    model_name,
    check_description,
    source_name,
    landed_file_sha256,
    landed_path,
    record_no,
    cast('{{ run_started_at }}' as timestamp with time zone) as found_at
from failures
