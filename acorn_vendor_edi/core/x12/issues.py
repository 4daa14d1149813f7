"""``Issue``: one problem found in an X12 file, with its place and its 997 codes.

Every stage (reader, structure, documents, rules) reports through it, so it has a module of its
own that imports nothing from the others."""

from dataclasses import dataclass


@dataclass
class Issue:
    """One problem found in a file, with enough context for a person and for a 997."""

    message: str
    severity: str = "error"
    interchange: str | None = None  # ISA13
    group: str | None = None  # GS06
    transaction: str | None = None  # ST02
    set_id: str | None = None  # ST01
    segment_id: str | None = None
    segment_position: int | None = None  # within the transaction set, ST = 1
    element: int | None = None
    file_segment: int | None = None  # segment number in the file, ISA = 1
    ak3: str | None = None  # AK304 code
    ak4: str | None = None  # AK403 code
    ak5: str | None = None  # AK502 code
    ak9: str | None = None  # AK905 code
    value: str | None = None

    def where(self):
        parts = []
        if self.interchange is not None:
            parts.append(f"interchange {self.interchange}")
        if self.group is not None:
            parts.append(f"group {self.group}")
        if self.transaction is not None:
            parts.append(f"{self.set_id or 'transaction'} {self.transaction}")
        if self.segment_id:
            seg = self.segment_id
            if self.element:
                seg += f"{self.element:02d}"
            if self.segment_position:
                seg += f" (segment {self.segment_position})"
            elif self.file_segment:
                seg += f" (file segment {self.file_segment})"
            parts.append(seg)
        elif self.file_segment:
            parts.append(f"file segment {self.file_segment}")
        return ", ".join(parts) or "file"

    def __str__(self):
        return f"{self.severity.upper()} {self.where()}: {self.message}"
