"""cleaner: strip boilerplate from news text, and say why each removal happened.

    >>> from cleaner import clean
    >>> result = clean("Police said the road reopened at noon after the crash.\\nJoin our WhatsApp community!\\n")
    >>> result.text
    'Police said the road reopened at noon after the crash.\\n'
"""

from cleaner.config import Config
from cleaner.engine.cleaner import Cleaner, clean
from cleaner.model import Block, Decision, Document, Problem, Result, Signal, State
from cleaner.packs.load import PackError, Rule

__all__ = [
    "Block", "Cleaner", "Config", "Decision", "Document", "PackError", "Problem", "Result",
    "Rule", "Signal", "State", "clean",
]
__version__ = "0.1.0"
