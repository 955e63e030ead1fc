"""Reports that need caseload, attendance and safeguarding data together.

They live here because caseload sits above attendance and safeguarding
(ARCHITECTURE.md). `sections` holds the section builders every report shares;
each report kind is a module that registers itself with pastoral.reports when
imported (pastoral.reports autodiscovers this package):

* transfer: the transfer report and the case-conference summary;
* review: the caseload review;
* bundle: the machine-readable transfer bundle (DSL to DSL);
* sar: the subject-access export.
"""

from caseload.reports import bundle, review, sar, transfer  # noqa: F401  (register the kinds)
from caseload.reports.transfer import TRANSFER, build_transfer
from pastoral import nav
from pastoral.access import Cap

__all__ = ["TRANSFER", "build_transfer"]

nav.register(
    nav.NavItem(
        "Caseload report",
        "caseload_reports:caseload-review",
        order=82,
        cap=Cap.VIEW_CASELOAD_BOARD,
    )
)
nav.register_learner_link(
    nav.LearnerLink("Transfer bundle", "caseload_reports:bundle", order=90, cap=Cap.EXPORT_CP_FILE)
)
nav.register_learner_link(
    nav.LearnerLink(
        "Common Transfer File (leaver)",
        "caseload_reports:leaver-ctf",
        order=91,
        cap=Cap.IMPORT_MIS,
        case_scope=False,  # the administrator's: MIS data, no case content
    )
)
nav.register_learner_link(
    nav.LearnerLink(
        "Transfer report", "caseload_reports:transfer", order=88, cap=Cap.EXPORT_TRANSFER
    )
)
nav.register_learner_link(
    nav.LearnerLink(
        "Case-conference summary",
        "caseload_reports:case-conference",
        order=89,
        cap=Cap.EXPORT_TRANSFER,
    )
)
