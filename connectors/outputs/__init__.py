"""What the pipeline hands back: ledgers, work lists, the briefing, exports."""
