{#-
  Data-quality tests of single records (record_checks, not_null, accepted_values on a PBX
  format's staging model) check only the landed files a build stages: a landed file never
  changes, so the records of older files passed or failed when their file came and still do.
  Their failing rows are kept per landed file in int_staging_test_failures, so that a finding
  is not forgotten when the next build tests other files. Tests that compare records with each
  other (unique …) still read every record. A full refresh, or the first build, tests all.
  The staging models declare their record checks in one record_checks test each
  (tests/generic/record_checks.sql); a single-column not_null or accepted_values is kept too.
-#}

{#- Generic tests that judge each record alone: on a staging model, they test the new files only. -#}
{% macro per_record_test_kinds() -%}
{{ return(['record_checks', 'not_null', 'accepted_values']) }}
{%- endmacro %}

{#-
  The checks a record_checks test makes on the model `model_name`, in order: [{name,
  description, predicate}], a predicate being true for a failing record. The names are those
  dbt gives the single-column tests (not_null_<model>_<column>, accepted_values_<model>_<column>
  __<values>), so findings keep their names when the checks move into one test.
-#}
{% macro record_check_list(model_name, not_null=[], accepted_values={}) -%}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append({
        'name': 'not_null_' ~ model_name ~ '_' ~ column,
        'description': 'not_null on ' ~ column,
        'predicate': column ~ ' is null',
    }) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set name = 'accepted_values_' ~ model_name ~ '_' ~ column ~ '__' ~ (values | join('__')) -%}
    {%- do checks.append({
        'name': modules.re.sub('[^0-9a-zA-Z_]+', '_', name),
        'description': 'accepted_values on ' ~ column,
        'predicate': column ~ " not in ('" ~ (values | join("', '")) ~ "')",
    }) -%}
{%- endfor -%}
{{ return(checks) }}
{%- endmacro %}

{#- The model a generic test is attached to, by name ('' while dbt parses); `model` is the test node here. -#}
{% macro tested_model_name() -%}
{%- set attached = model.attached_node if model is mapping else none -%}
{{ return(graph.nodes[attached].name if attached and attached in graph.nodes else '') }}
{%- endmacro %}

{#- The checks of a test node of record_checks, as record_check_list gives them. -#}
{% macro record_checks_of(test) -%}
{%- set kwargs = test.test_metadata.kwargs -%}
{{ return(record_check_list(graph.nodes[test.attached_node].name, kwargs.get('not_null', []), kwargs.get('accepted_values', {}))) }}
{%- endmacro %}

{#- Whether a test node is a record_checks test (its failing rows name their check). -#}
{% macro is_record_checks_test(test) -%}
{{ return(test.test_metadata and test.test_metadata.name == 'record_checks') }}
{%- endmacro %}

{#-
  Whether `test` (a test node) is a data-quality test of single records on a PBX format's
  staging model: failures stored, severity warn, of a per-record kind, on a stg_ model.
-#}
{% macro is_per_record_staging_test(test) -%}
{%- set kind = test.test_metadata.name if test.test_metadata else none -%}
{{ return(
    test.config.store_failures
    and (test.config.severity | lower) == 'warn'
    and kind in per_record_test_kinds()
    and (test.attached_node or '').startswith('model.' ~ project_name ~ '.stg_')
) }}
{%- endmacro %}

{#-
  The records of `relation` a per-record staging test reads: those of the files this build
  stages (int_call_legs_staged's newly_staged_predicate), or all of them in a full refresh,
  in the first build (no facts yet: every landed file is new) and in the first build that
  keeps their failures (a warehouse from before int_staging_test_failures).
-#}
{% macro newly_staged_records(relation, where) -%}
{%- set first_build = previous_build('marts', 'fct_calls') is none
    or previous_build('intermediate', 'int_staging_test_failures') is none -%}
{%- set scope = 'true' if (flags.FULL_REFRESH or first_build) else newly_staged_predicate() -%}
(select * from {{ relation }} where {{ scope }}{% if where %} and ({{ where }}){% endif %}) dbt_subquery
{%- endmacro %}

{#- The per-record staging tests whose failures are stored (data_quality_tests): [{test, stored, columns}]. -#}
{% macro per_record_staging_tests() -%}
{%- set found = [] -%}
{%- for tested in data_quality_tests() if is_per_record_staging_test(tested.test) -%}
    {%- do found.append(tested) -%}
{%- endfor -%}
{{ return(found) }}
{%- endmacro %}

{#- What a test checks, as the findings say it: 'not_null on linked_id'. -#}
{% macro test_check_description(test) -%}
{{ test.test_metadata.name if test.test_metadata else 'singular' }}{{ " on " ~ test.column_name if test.column_name }}
{%- endmacro %}

{#-
  The failing records of this build's per-record staging tests, one row each, with the file
  and line they came from (int_staging_test_failures).
-#}
{% macro staging_test_failures() -%}
{%- for found in per_record_staging_tests() -%}
{%- set test = found.test -%}
select
    {% if is_record_checks_test(test) -%}
    check_name,
    '{{ graph.nodes[test.attached_node].name }}' as model_name,
    check_description,
    {%- else -%}
    '{{ test.name }}' as check_name,
    '{{ graph.nodes[test.attached_node].name }}' as model_name,
    '{{ test_check_description(test) }}' as check_description,
    {%- endif %}
    source_name,
    landed_file_sha256,
    landed_path,
    cast(record_no as {{ dbt.type_bigint() }}) as record_no
from {{ found.stored }}
union all
{% endfor -%}
select
    cast(null as {{ dbt.type_string() }}) as check_name,
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as check_description,
    cast(null as {{ dbt.type_string() }}) as source_name,
    cast(null as {{ dbt.type_string() }}) as landed_file_sha256,
    cast(null as {{ dbt.type_string() }}) as landed_path,
    cast(null as {{ dbt.type_bigint() }}) as record_no
where 1 = 0
{%- endmacro %}

{#-
  Which kept failures an incremental build of int_staging_test_failures replaces (`kept`: its
  alias): those of a test the project no longer has, those of the files a test just stored
  failures of, and while reprocessing those of the reprocessed source(s), which were tested
  again whole. The failures of files a build did not test stay.
-#}
{% macro replaced_staging_test_failures(kept) -%}
{%- set current = [] -%}
{%- for test in graph.nodes.values() if test.resource_type == 'test' and is_per_record_staging_test(test) -%}
    {%- set names = record_checks_of(test) | map(attribute='name') | list if is_record_checks_test(test) else [test.name] -%}
    {%- for name in names -%}{%- do current.append("'" ~ name ~ "'") -%}{%- endfor -%}
{%- endfor -%}
{{ kept }}.check_name not in ({{ (current or ["''"]) | join(', ') }})
or exists (
    select 1
    from ({{ staging_test_failures() }}) as stored
    where stored.check_name = {{ kept }}.check_name and stored.landed_file_sha256 = {{ kept }}.landed_file_sha256
)
or {{ reprocessed_sources_predicate(kept ~ '.source_name') }}
{%- endmacro %}
