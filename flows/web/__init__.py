"""The coordinators' workbench (``triage serve``): pages on the pipeline's store."""
