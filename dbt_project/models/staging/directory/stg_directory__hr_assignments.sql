with source as (
    select * from {{ source('directory', 'hr_assignments') }}
),

renamed as (
    select
        employee_id as person_id,
        full_name,
        email,
        department_id,
        site_id,
        extension,
        valid_from,
        valid_to,
        source_name,
        source_file,
        source_line
    from source
),

typed as (
    select
        person_id || '@' || cast(cast(valid_from as date) as varchar) as assignment_id,
        cast(person_id as varchar) as person_id,
        cast(full_name as varchar) as full_name,
        lower(email) as email,
        cast(nullif(department_id, '') as varchar) as department_id,
        cast(nullif(site_id, '') as varchar) as site_id,
        cast(nullif(extension, '') as varchar) as extension,
        cast(valid_from as date) as valid_from,
        cast(coalesce(valid_to, date '9999-12-31') as date) as valid_to,
        source_name,
        source_file,
        cast(source_line as integer) as source_line
    from renamed
)

select * from typed
