{#- Dated departments (a snapshot series, or rows with valid_from): one row per version. -#}
with source as (
    select * from {{ source('directory', 'departments') }}
    where valid_from is not null
),

renamed as (
    select
        department_id,
        name as department_name,
        parent_department_id,
        site_id,
        valid_from,
        valid_to,
        source_name,
        source_file,
        source_line
    from source
),

typed as (
    select
        department_id || '@' || cast(cast(valid_from as date) as varchar) as department_version_id,
        cast(department_id as varchar) as department_id,
        cast(department_name as varchar) as department_name,
        cast(nullif(parent_department_id, '') as varchar) as parent_department_id,
        cast(nullif(site_id, '') as varchar) as site_id,
        cast(valid_from as date) as valid_from,
        cast(coalesce(valid_to, date '9999-12-31') as date) as valid_to,
        source_name,
        source_file,
        cast(source_line as integer) as source_line
    from renamed
)

select * from typed
