"""Default letter templates the school starts with for the statutory steps of
*Working together to improve school attendance* (August 2024): a notice to
improve (the last step before a penalty notice) and an attendance contract
(a formal written agreement with the parent). The school edits them in School
settings → Attendance letter templates; {learner}, {date} and {attendance}
are filled in when the letter is recorded."""

from __future__ import annotations

NOTICE_TO_IMPROVE = (
    "Notice to improve",
    "Dear parent or carer,\n\n"
    "Notice to improve attendance: {learner}\n\n"
    "{learner}'s attendance this year is {attendance}, including unauthorised absence. "
    "Under the National framework for penalty notices, a penalty notice may be issued if "
    "{learner} has further unauthorised absence in the next period of improvement.\n\n"
    "We would like to offer support: please contact the attendance officer to arrange a "
    "meeting. If attendance does not improve, the school may ask the local authority to "
    "issue a penalty notice.\n\nYours sincerely,\nAttendance officer\n{date}",
)
ATTENDANCE_CONTRACT = (
    "Attendance contract",
    "Dear parent or carer,\n\n"
    "Attendance contract: {learner}\n\n"
    "Thank you for meeting us. {learner}'s attendance this year is {attendance}. "
    "This contract records what we agreed: the support the school will give, what you "
    "will do to help {learner} attend every day, and when we will review it together.\n\n"
    "The contract is voluntary, but if it is not kept or is refused the school may "
    "consider further steps, including a parenting order.\n\n"
    "Signed (parent or carer): ____________________\n"
    "Signed (school): ____________________\n{date}",
)
DEFAULT_LETTERS = [NOTICE_TO_IMPROVE, ATTENDANCE_CONTRACT]
