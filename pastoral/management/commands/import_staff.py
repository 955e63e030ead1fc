"""manage.py import_staff FILE.csv --school URN [--dry-run]: see docs/import-staff.md."""

from pastoral.imports.command import ImportCommand
from pastoral.imports.staff import StaffImporter


class Command(ImportCommand):
    help = "Import staff and their roles from a CSV (upsert by e-mail, all or nothing)."
    importer_class = StaffImporter
    what = "staff"
