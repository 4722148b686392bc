"""Cases, audience keys and wraps, records, attachments, exclusions, reporter sessions, drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:26:24.786909
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "failure_windows",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "window_start", name=op.f("pk_failure_windows")),
    )
    op.create_table(
        "submission_drafts",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("case_uid", sa.String(length=32), nullable=False),
        sa.Column("sealed_payload", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_submission_drafts")),
        sa.UniqueConstraint("case_uid", name=op.f("uq_submission_drafts_case_uid")),
    )
    with op.batch_alter_table("submission_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_drafts_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("lookup_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "diterima",
                "verifikasi",
                "investigasi",
                "keputusan",
                "sanksi",
                "selesai",
                "diteruskan",
                "bukan_wewenang",
                "ditunda",
                "dicabut",
                name="case_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("status_changed_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("acknowledge_due", sa.Date(), nullable=False),
        sa.Column("verification_due", sa.Date(), nullable=False),
        sa.Column("feedback_due", sa.Date(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_cases_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_cases_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("lookup_hash", name=op.f("uq_cases_lookup_hash")),
        sa.UniqueConstraint("uid", name=op.f("uq_cases_uid")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_received_on"), ["received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "pending_files",
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("draft_id_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id_hash"],
            ["submission_drafts.id_hash"],
            name=op.f("fk_pending_files_draft_id_hash_submission_drafts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("storage_name", name=op.f("pk_pending_files")),
    )
    with op.batch_alter_table("pending_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_files_draft_id_hash"), ["draft_id_hash"], unique=False
        )

    op.create_table(
        "audience_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "reporter", "internal", "respondent", name="audience", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_audience_keys_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_keys")),
        sa.UniqueConstraint("case_id", "audience", "label", name=op.f("uq_audience_keys_case_id")),
    )
    with op.batch_alter_table("audience_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_keys_case_id"), ["case_id"], unique=False)

    op.create_table(
        "handler_exclusions",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_handler_exclusions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_handler_exclusions_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "staff_id", name=op.f("pk_handler_exclusions")),
    )
    op.create_table(
        "reporter_sessions",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sealed_seed", sa.LargeBinary(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_reporter_sessions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_reporter_sessions")),
    )
    with op.batch_alter_table("reporter_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporter_sessions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reporter_sessions_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "case_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("audience_key_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "author_kind",
            sa.Enum(
                "reporter",
                "staff",
                "respondent",
                "system",
                name="author_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("author_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_key_id"],
            ["audience_keys.id"],
            name=op.f("fk_case_records_audience_key_id_audience_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_case_records_author_staff_id_staff_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_records_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_records")),
        sa.UniqueConstraint("uid", name=op.f("uq_case_records_uid")),
    )
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_records_case_id"), ["case_id"], unique=False)

    op.create_table(
        "key_wraps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience_key_id", sa.Integer(), nullable=False),
        sa.Column(
            "recipient_kind",
            sa.Enum(
                "staff", "reporter", "respondent", name="recipient", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("identity_generation", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_key_id"],
            ["audience_keys.id"],
            name=op.f("fk_key_wraps_audience_key_id_audience_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_key_wraps_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_wraps")),
        sa.UniqueConstraint(
            "audience_key_id",
            "recipient_kind",
            "staff_id",
            name=op.f("uq_key_wraps_audience_key_id"),
        ),
    )
    with op.batch_alter_table("key_wraps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_key_wraps_audience_key_id"), ["audience_key_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_key_wraps_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("audience_key_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("sealed_meta", sa.LargeBinary(), nullable=False),
        sa.Column("size_rounded", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_key_id"],
            ["audience_keys.id"],
            name=op.f("fk_attachments_audience_key_id_audience_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_attachments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["case_records.id"],
            name=op.f("fk_attachments_record_id_case_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_attachments_storage_name")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_record_id"), ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_record_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_case_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("key_wraps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_wraps_staff_id"))
        batch_op.drop_index(batch_op.f("ix_key_wraps_audience_key_id"))

    op.drop_table("key_wraps")
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_records_case_id"))

    op.drop_table("case_records")
    with op.batch_alter_table("reporter_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporter_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_reporter_sessions_case_id"))

    op.drop_table("reporter_sessions")
    op.drop_table("handler_exclusions")
    with op.batch_alter_table("audience_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_keys_case_id"))

    op.drop_table("audience_keys")
    with op.batch_alter_table("pending_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_files_draft_id_hash"))

    op.drop_table("pending_files")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_unit_id"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_received_on"))
        batch_op.drop_index(batch_op.f("ix_cases_category_id"))

    op.drop_table("cases")
    with op.batch_alter_table("submission_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_drafts_expires_at"))

    op.drop_table("submission_drafts")
    op.drop_table("failure_windows")
