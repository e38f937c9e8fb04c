"""What one child may use; an exercise's `exercise.yaml` can change any of it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits of one child: deadlines, resources, output, and its scratch folder."""

    call_timeout: float = 5.0
    import_timeout: float = 5.0
    cpu_seconds: int = 20
    memory_mb: int = 512
    file_mb: int = 16
    open_files: int = 256
    processes: int = 64
    output_kb: int = 256
    scratch_mb: int = 16

    def to_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)

    def for_child(self) -> dict[str, int]:
        """The resource limits the child sets on itself, in the units setrlimit takes."""
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_mb * 1024 * 1024,
            "file_bytes": self.file_mb * 1024 * 1024,
            "open_files": self.open_files,
            "processes": self.processes,
            "scratch_bytes": self.scratch_mb * 1024 * 1024,
        }
