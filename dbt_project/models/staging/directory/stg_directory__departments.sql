{#- Undated departments (one export of "now"): the warehouse versions them as it learns of changes. -#}
with source as (
    select * from {{ source('directory', 'departments') }}
    where valid_from is null
),

renamed as (
    select
        department_id,
        name as department_name,
        parent_department_id,
        site_id,
        source_name,
        source_file,
        source_line
    from source
),

typed as (
    select
        cast(department_id as varchar) as department_id,
        cast(department_name as varchar) as department_name,
        cast(nullif(parent_department_id, '') as varchar) as parent_department_id,
        cast(nullif(site_id, '') as varchar) as site_id,
        source_name,
        source_file,
        cast(source_line as integer) as source_line
    from renamed
)

select * from typed
