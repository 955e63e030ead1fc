"""Behaviour models, one module per part (incidents, detentions, on-call, exclusions)."""

from behaviour.models.detentions import Detention, DetentionSession, DetentionType
from behaviour.models.exclusions import Exclusion, ExclusionNotice, ExclusionPolicy
from behaviour.models.incidents import BehaviourType, Incident, Kind, Severity
from behaviour.models.oncall import (
    IsolationPlace,
    IsolationSession,
    OnCallMember,
    OnCallPolicy,
    OnCallRequest,
    Removal,
)
from behaviour.models.policy import DEFAULT_MILESTONES, BehaviourSettings
from behaviour.models.rewards import House, HouseMember, MilestoneAward

__all__ = [
    "DEFAULT_MILESTONES",
    "BehaviourSettings",
    "BehaviourType",
    "Detention",
    "DetentionSession",
    "DetentionType",
    "Exclusion",
    "ExclusionNotice",
    "ExclusionPolicy",
    "House",
    "HouseMember",
    "Incident",
    "IsolationPlace",
    "IsolationSession",
    "OnCallMember",
    "OnCallPolicy",
    "OnCallRequest",
    "Removal",
    "Kind",
    "MilestoneAward",
    "Severity",
]
