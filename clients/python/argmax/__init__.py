"""argmax: a standard-library client for the argmax optimization server.

    from argmax import Client

    experiment = Client().create_or_resume(name="cnn", parameters=[...], observation_budget=40)
    for trial in experiment.loop():
        trial.report(train(**trial.assignments))
"""

from .client import Client
from .errors import ApiError, NetworkError
from .experiment import Experiment, RunSummary
from .transport import RetryPolicy
from .trial import Trial
from .version import __version__

__all__ = [
    "ApiError",
    "Client",
    "Experiment",
    "NetworkError",
    "RetryPolicy",
    "RunSummary",
    "Trial",
    "__version__",
]
