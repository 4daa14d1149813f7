"""The operations the client calls: HTTP method and path from Amazon's models, rate and
burst from each operation's documented usage plan.

Keys are operationIds. Direct Fulfillment reuses some retail operationIds
(submitAcknowledgement), so its operations register under prefixed keys (``df.``…) with
``operation_id`` keeping Amazon's name for model validation.
"""

from dataclasses import dataclass

from ..spapi_models import RATE_LIMITS
from ..spapi_models import operations as model_operations


@dataclass(frozen=True)
class Operation:
    key: str
    operation_id: str
    method: str
    path: str
    rate: float
    burst: int
    parameters: tuple = ()  # the model's parameter objects (query/path/body)

    @property
    def idempotent(self):
        return self.method in ("GET", "HEAD")

    def parameter(self, name):
        for param in self.parameters:
            if param.get("name") == name:
                return param
        return None


REGISTRY = {}


def register(operation):
    REGISTRY[operation.key] = operation
    return operation


def _load_models():
    for op_id, (_file, method, path, op) in model_operations().items():
        rate, burst = RATE_LIMITS[op_id]
        register(
            Operation(op_id, op_id, method, path, rate, burst, tuple(op.get("parameters", ())))
        )


_load_models()


def get(key):
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"Unknown SP-API operation {key!r}") from None
