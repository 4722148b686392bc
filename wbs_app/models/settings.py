"""Installation settings that administrators edit in the interface (deadlines)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.db import Base


class SettingValue(Base):
    """One whole-number setting; absent rows fall back to the configured default."""

    __tablename__ = "setting_values"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
