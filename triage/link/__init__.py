"""Linking leads into cases and reporters into persons (隐患共排)."""

from triage.link.engine import LinkConfig, LinkIndex, LinkResult, SubjectLexicon, link
from triage.link.evidence import explain
from triage.link.model import MatchModel

__all__ = ["LinkConfig", "LinkIndex", "LinkResult", "MatchModel", "SubjectLexicon", "explain", "link"]
