"""Extensions, created unbound here and bound to the app in create_app."""
from datetime import datetime, timezone

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, Enum, MetaData, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def stored_enum(cls, name: str, length: int = 30) -> Enum:
    """An enum.Enum column type stored as its member names in a string column (no native database enum)."""
    return Enum(cls, name=name, native_enum=False, length=length, validate_strings=True)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def add_unless_made(session, new, made_by_another):
    """Add `new`, a record made on first use (one per person: a unique key), in a savepoint. Two first
    requests at once (two tabs, a double click) both find none; the second's insert meets the unique
    key, and that request takes the record the first made (`made_by_another()`) instead of failing."""
    try:
        with session.begin_nested():
            session.add(new)
        return new
    except IntegrityError:
        found = made_by_another()
        if found is None:
            raise
        return found


class UTCDateTime(TypeDecorator):
    """A moment in time, always timezone-aware UTC in Python on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given where a UTC moment is expected")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """created_at / updated_at on every table."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
