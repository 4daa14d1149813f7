"""``Issue``: one problem found in an EDIFACT file, with its place and its CONTRL code.

Every stage (tokenizer, reader, structure, rules, documents) reports through it, so it has a
module of its own that imports nothing from the others."""

from dataclasses import dataclass


@dataclass
class Issue:
    """A problem found while reading, with enough context for a person and for CONTRL."""

    code: str
    text: str
    severity: str = "error"
    interchange_ref: str = ""
    group_ref: str = ""
    message_ref: str = ""
    segment_tag: str = ""
    position: int = 0
    element: int = 0
    component: int = 0
    offset: int = -1

    def where(self):
        parts = []
        if self.interchange_ref:
            parts.append("interchange %s" % self.interchange_ref)
        if self.group_ref:
            parts.append("group %s" % self.group_ref)
        if self.message_ref:
            parts.append("message %s" % self.message_ref)
        if self.segment_tag or self.position:
            seg = "segment %s" % (self.segment_tag or "?")
            if self.position:
                seg += " #%d" % self.position
            parts.append(seg)
        if self.element:
            el = "element %02d" % self.element
            if self.component:
                el += ".%d" % self.component
            parts.append(el)
        if self.offset >= 0:
            parts.append("byte %d" % self.offset)
        return ", ".join(parts)

    def __str__(self):
        where = self.where()
        return "%s: %s%s" % (self.severity.upper(), self.text, " (%s)" % where if where else "")

    def as_dict(self):
        return {
            "code": self.code,
            "severity": self.severity,
            "text": self.text,
            "where": self.where(),
            "interchange_ref": self.interchange_ref,
            "group_ref": self.group_ref,
            "message_ref": self.message_ref,
            "segment": self.segment_tag,
            "position": self.position,
            "element": self.element,
            "component": self.component,
            "offset": self.offset,
        }
