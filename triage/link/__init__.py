"""Linking leads into cases and reporters into persons (隐患共排)."""

from triage.link.engine import LinkConfig, LinkResult, explain, link
from triage.link.model import MatchModel

__all__ = ["LinkConfig", "LinkResult", "MatchModel", "explain", "link"]
