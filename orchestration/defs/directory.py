"""Directory: HR / Active Directory exports validated, consolidated and loaded into ``raw``."""

from collections import Counter

import dagster as dg

from ingestion.config.company import load_sites, site_of_branch
from ingestion.directory.consolidated import read_directory
from ingestion.directory.load import load_directory
from orchestration.resources import LocationsResource, WarehouseResource

DIRECTORY_TABLES = {
    "departments": "Departments (a hierarchy through parent_department_id): one row per undated department, "
    "or per version (valid_from..valid_to, exclusive) of one from a snapshot series.",
    "hr_assignments": "HR rows: person, department, site, extension, valid_from..valid_to (exclusive).",
    "directory_warnings": "Directory conflicts found on import, with file, line, field and value.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(dg.AssetKey(["raw", table]), group_name="ingest", description=text)
        for table, text in DIRECTORY_TABLES.items()
    ],
    name="raw_directory",
)
def raw_directory(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, locations: LocationsResource
):
    """Read config/directory.yml (else directory/*.csv), turn snapshot series into history,
    consolidate by key, check, and load."""
    sites = load_sites(locations.input_path)
    directory = read_directory(locations.input_path, {site.id for site in sites}, site_of_branch(sites))
    for export in directory.read:
        as_of = f" (snapshot of {export.instant})" if export.instant else ""
        context.log.info(f"directory: {export.source}: {export.file}{as_of}: {export.rows} rows")
    for warning in directory.warnings:
        context.log.warning(f"directory: {warning}")
    with warehouse.connect() as con:
        counts = load_directory(con, directory)
    by_kind = Counter(w.kind for w in directory.warnings)
    for table in DIRECTORY_TABLES:
        metadata: dict[str, int] = {"rows": counts[table], "exports_read": len(directory.read)}
        if table == "directory_warnings":
            metadata.update({f"warnings_{kind}": n for kind, n in sorted(by_kind.items())})
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata=metadata)


defs = dg.Definitions(assets=[raw_directory])
