"""Rasa's SQL tracker store, made to survive a restart of its database server.

Rasa 3.6 builds its SQLAlchemy engine without `pool_pre_ping`, so after PostgreSQL
restarts, every pooled connection is dead and the next turns fail until the pool has
been thrown away. This store is Rasa's own, with an engine that checks a connection
before handing it out (and reconnects when it is stale). Everything else, the table,
the queries and the settings in endpoints.yml, is Rasa's.

    tracker_store:
      type: stores.tracker_store.SQLTrackerStore
      dialect: postgresql   # or sqlite
      ...
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.core.tracker_store import create_engine_kwargs
from sqlalchemy.orm.session import sessionmaker

logger = logging.getLogger(__name__)


class SQLTrackerStore(RasaSQLTrackerStore):
    """Rasa's SQL tracker store with connections checked before use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Connect as Rasa does, then swap in an engine that pings its connections."""
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, **create_engine_kwargs(url)
        )
        self.sessionmaker = sessionmaker(bind=self.engine)
        logger.debug("Tracker store on %r with pre-ping.", self.engine.url)
