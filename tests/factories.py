# The factories moved to demo/factories.py (production's demo builders use them too). This
# re-export keeps the tests' imports working while other branches edit them; the lead rewrites
# the importers to demo.factories after the merge, then deletes this file.
from demo.factories import *  # noqa: F403
