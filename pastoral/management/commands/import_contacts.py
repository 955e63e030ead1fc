"""manage.py import_contacts FILE.csv --school URN [--dry-run]: see docs/import-contacts.md."""

from pastoral.imports.command import ImportCommand
from pastoral.imports.contacts import ContactImporter


class Command(ImportCommand):
    help = "Import parents and carers with their restrictions (by UPN and name, all or nothing)."
    importer_class = ContactImporter
    what = "parents and carers"
