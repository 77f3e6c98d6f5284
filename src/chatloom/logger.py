"""The ``chatloom`` logger; set ``LOG_LEVEL`` to get a stream handler without other setup."""

import logging
import os

logger = logging.getLogger("chatloom")

if level := os.environ.get("LOG_LEVEL"):
    logger.setLevel(level.upper())
    logger.addHandler(logging.StreamHandler())
