"""`legalbot db purge [--dry-run]`: enforce the retention table and print what it did, class by class."""

from __future__ import annotations

from bot.core.assistant import Assistant


def print_purge(assistant: Assistant, dry_run: bool = False) -> None:
    counts = assistant.purge_expired(dry_run=dry_run)
    print(f"{'dry run: nothing changed' if dry_run else 'retention purge'} ({assistant.settings.privacy.retention_file})")
    for name, line in assistant.retention.classes.items():
        if line.archive:
            print(f"{name:<24} {counts[name]:>6} kept (archive rule: never deleted by the bot)")
        else:
            verb = f"would {line.then}" if dry_run else f"{line.then}d"
            print(f"{name:<24} {counts[name]:>6} {verb} (older than {line.days} days)")
