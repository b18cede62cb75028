{#-
  Records counted once: per source and local day a file landed, the records it brought that
  its source had loaded before (ingestion/raw/record_identity.py: the same record identity in the
  same file, another file or a replayed stream), kept in raw and never made into legs. The
  day is the landing day in the site's time zone; the calls they repeat are counted from the
  first occurrences' legs (a record that is no leg, such as a Cisco CMR, counts no call).
-#}
with landed_files as (
    {{ landed_files_local() }}
),

duplicates as (
    select
        duplicates.source as source_name,
        duplicates.format as pbx_format,
        duplicates.file_sha256,
        duplicates.first_file_sha256,
        duplicates.first_record_no,
        cast(landed.landed_at_local as date) as landed_date_local
    from {{ source('raw', 'record_duplicates') }} as duplicates
    left join landed_files as landed
        on duplicates.source = landed.source_name and duplicates.file_sha256 = landed.landed_file_sha256
),

{# only the legs of files some duplicate repeats: a handful, not every leg there is #}
first_legs as (
    select distinct source_name, landed_file_sha256, record_no, call_id
    from {{ ref('fct_call_legs') }}
    where landed_file_sha256 in (select duplicates.first_file_sha256 from duplicates)
)

select
    duplicates.source_name,
    duplicates.pbx_format,
    duplicates.landed_date_local,
    count(*) as duplicate_records,
    count(distinct duplicates.file_sha256) as files_with_duplicates,
    count(distinct first_legs.call_id) as calls_repeated
from duplicates
left join first_legs
    on duplicates.source_name = first_legs.source_name
    and duplicates.first_file_sha256 = first_legs.landed_file_sha256
    and duplicates.first_record_no = first_legs.record_no
group by duplicates.source_name, duplicates.pbx_format, duplicates.landed_date_local
