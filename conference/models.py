"""Every model, imported in one place so the metadata is complete (Alembic, create_all)."""

from conference.audience.models import (
    AudienceSettings,
    BlockedAsker,
    Poll,
    PollAnswer,
    PollOption,
    Question,
    QuestionUpvote,
)
from conference.audit.models import AuditEntry
from conference.awards.models import (
    Award,
    AwardWinner,
    Contest,
    Entry,
    EntryAuthor,
    JoinCode,
    JuryScore,
    Vote,
)
from conference.db import Base
from conference.events.models import AgendaItem, Event, Project
from conference.greetings.models import Greeting, Invite
from conference.live.models import CommandRecord, LiveUpdate
from conference.participants.models import AttendanceInterval, Participant
from conference.people.models import Organisation, Person
from conference.users.models import ApiToken, EventRole, User, UserSession

__all__ = [
    "AttendanceInterval",
    "AudienceSettings",
    "BlockedAsker",
    "Poll",
    "PollAnswer",
    "PollOption",
    "Question",
    "QuestionUpvote",
    "AgendaItem",
    "ApiToken",
    "AuditEntry",
    "Award",
    "AwardWinner",
    "Base",
    "CommandRecord",
    "Contest",
    "Entry",
    "EntryAuthor",
    "Event",
    "EventRole",
    "Greeting",
    "Invite",
    "JoinCode",
    "JuryScore",
    "LiveUpdate",
    "Organisation",
    "Participant",
    "Person",
    "Project",
    "User",
    "UserSession",
    "Vote",
    "Base",
]
