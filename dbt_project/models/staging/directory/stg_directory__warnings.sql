with source as (
    select * from {{ source('directory', 'directory_warnings') }}
),

renamed as (
    select
        kind as warning_kind,
        file as source_file,
        line as source_line,
        field as field_name,
        value as field_value,
        message
    from source
),

typed as (
    select
        {{ surrogate_key(['source_file', 'source_line', 'field_name', 'warning_kind', 'message']) }} as warning_id,
        cast(warning_kind as varchar) as warning_kind,
        cast(source_file as varchar) as source_file,
        cast(source_line as integer) as source_line,
        cast(field_name as varchar) as field_name,
        cast(field_value as varchar) as field_value,
        cast(message as varchar) as message
    from renamed
)

select * from typed
