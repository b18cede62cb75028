{#-
  Data-quality findings of the last build, per source: each data-quality test that found
  rows (dbt_project.yml: severity warn, failures stored in the data_quality schema; the
  per-record tests of staging models test new files only, and every tested file's failing
  records are kept in int_staging_test_failures) and
  each reason legs were kept out of the calls (int_call_legs_rejected), and the records kept
  out of the legs as duplicates of one loaded before (raw.record_duplicates), and per day the
  external legs no configured trunk matched (int_call_legs_off_trunk), with the number of rows,
  the first five examples (landed file and line where known; for external legs on no trunk the
  file's original name and line, 'Master.csv:14') and where the rest are in the
  warehouse. A finding never stops the build: the facts of every source are built
  and published; a blocking test does (docs/reliability.md).
  A test's finding is from the last build that ran it (a reprocess runs only the tests of
  what it rebuilds). This model runs after every data-quality test: each one's model is an
  ancestor (tests/orchestration/test_isolation.py checks it), hence the depends_on lines.
-#}
-- depends_on: {{ ref('int_call_leg_quality') }}
-- depends_on: {{ ref('dim_trunk') }}
with test_failures as (
    {{ data_quality_test_failures() }}
),

staging_test_failures as (
    select
        'test' as finding_kind,
        source_name,
        model_name,
        check_name,
        check_description,
        landed_path || ' line ' || cast(record_no as {{ dbt.type_string() }}) as example_key,
        'intermediate.int_staging_test_failures' as details_relation
    from {{ ref('int_staging_test_failures') }}
),

rejected_legs as (
    select
        'rejected_legs' as finding_kind,
        source_name,
        'int_call_legs_rejected' as model_name,
        reason_code as check_name,
        rejection_reason as check_description,
        coalesce(landed_path || ' line ' || cast(record_no as varchar), leg_id) as example_key,
        'intermediate.int_call_legs_rejected' as details_relation
    from {{ ref('int_call_legs_rejected') }}
),

duplicate_records as (
    select
        'duplicate_records' as finding_kind,
        duplicates.source as source_name,
        'raw' as model_name,
        'duplicate_records' as check_name,
        'records seen before (same record identity), kept in raw and out of the legs' as check_description,
        coalesce(files.landed_path, duplicates.file_sha256) || ' line ' || cast(duplicates.record_no as varchar)
            as example_key,
        'raw.record_duplicates' as details_relation
    from {{ source('raw', 'record_duplicates') }} as duplicates
    left join {{ source('raw', 'loaded_files') }} as files
        on duplicates.source = files.source and duplicates.file_sha256 = files.sha256
),

{# one finding per source and call day: a trunk missing from sites.yml, or one named otherwise #}
off_trunk_legs as (
    select
        'external_leg_on_no_trunk' as finding_kind,
        source_name,
        'int_call_legs_off_trunk' as model_name,
        'external_leg_on_no_trunk' as check_name,
        'external legs of calls on ' || cast(call_date_local as {{ dbt.type_string() }})
        || ' whose endpoint matches no trunk of the site: add it to sites.yml (pbx_name or pattern)'
            as check_description,
        {# the file by the name it had on the PBX, and the line: 'Master.csv:14', as the load report says #}
        coalesce(
            original_name || ':' || cast(record_no as {{ dbt.type_string() }}),
            landed_path || ' line ' || cast(record_no as {{ dbt.type_string() }}),
            leg_id
        )
        || ': ' || coalesce(nullif(from_endpoint, ''), '-') || ' -> ' || coalesce(nullif(to_endpoint, ''), '-')
            as example_key,
        'intermediate.int_call_legs_off_trunk' as details_relation,
        call_date_local as finding_date
    from {{ ref('int_call_legs_off_trunk') }}
),

failing_rows as (
    select *, cast(null as date) as finding_date from test_failures
    union all
    select *, cast(null as date) as finding_date from staging_test_failures
    union all
    select *, cast(null as date) as finding_date from rejected_legs
    union all
    select *, cast(null as date) as finding_date from duplicate_records
    union all
    select * from off_trunk_legs
)

select
    '{{ invocation_id }}' as dbt_invocation_id,
    cast('{{ run_started_at }}' as timestamp with time zone) as found_at,
    source_name,
    finding_kind,
    model_name,
    check_name,
    check_description,
    finding_date,
    count(*) as failing_rows,
    {{ dbt.listagg('example_key', "'; '", 'order by example_key', 5) }} as first_examples,
    details_relation
from failing_rows
group by source_name, finding_kind, model_name, check_name, check_description, finding_date, details_relation
