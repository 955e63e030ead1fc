"""manage.py import_learners FILE.csv --school URN [--dry-run]: see docs/import-learners.md."""

from pastoral.imports.command import ImportCommand
from pastoral.imports.learners import LearnerImporter


class Command(ImportCommand):
    help = "Import learners from an MIS CSV export (upsert by UPN, all or nothing)."
    importer_class = LearnerImporter
    what = "learners"
