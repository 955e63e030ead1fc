"""manage.py import_agencies FILE.csv --school URN [--dry-run]: see docs/import-agencies.md."""

from pastoral.imports.agencies import AgencyImporter
from pastoral.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import outside agencies and their named people (by name, all or nothing)."
    importer_class = AgencyImporter
    what = "agencies"
