import os

from hypothesis import HealthCheck, settings

# Numba compiles on first call, so no per-example deadline. CI keeps the example count
# modest so the whole suite stays within a few minutes on two cores.
settings.register_profile(
    "default", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
