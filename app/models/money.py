"""Money: entitlements, allocations and quotas, the double-entry ledger, disbursement batches.

Amounts are `Money` (Numeric(14, 2), Decimal). Balances are never stored: they are sums of ledger
lines (`app/queries/money.py`). Ledger entries and their lines are only ever inserted, by one
command (`app/commands/ledger.py::post`); the database refuses to update or delete them (triggers,
migration e13a01money), and a correction is a reversing entry that points at the original.

The books of a fund account (`Book`), with the sign of a line: + the book grows, − it shrinks; the
lines of an entry sum to zero.

    budget       the world outside: a receipt moves money from here into the account (−)
    unallocated  in the account, not yet allocated to a school
    allocated    allocated to a school for an item and term, free to be paid
    reserved     held by an approved disbursement batch until the bank answers
    paid         paid out to pupils (or the canteen)

A receipt: budget −, unallocated +. An allocation: unallocated −, allocated(school, item, term) +.
Approving a batch: allocated −, reserved(batch) +. A paid line: reserved −, paid +. A failed line:
reserved −, allocated +. A recovered payment: paid −, unallocated +.
"""
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from app.models.base import Money, Stamped, UtcDateTime, Versioned, str_enum, utcnow


class EntitlementStatus(enum.Enum):
    """Whether a pupil is to receive an item in a term (动态调整: stopped when no longer so)."""

    ACTIVE = "active"
    STOPPED = "stopped"


class Entitlement(Versioned, Stamped, Model):
    """A pupil entitled to an item in a term, by an approved identification (its tier and the
    amount of the aid standard in force), or carried over from the term before."""

    __tablename__ = "entitlement"
    __table_args__ = (
        UniqueConstraint("student_id", "aid_item_id", "term_id", name="uq_entitlement_pupil_item_term"),
        Index("ix_entitlement_school_term_item", "school_id", "term_id", "aid_item_id", "status"),
        CheckConstraint("amount >= 0", name="ck_entitlement_amount"),
    )
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    tier_id = Column(Integer, ForeignKey("tier.id"), nullable=False)
    boarding = Column(Boolean, nullable=False)
    amount = Column(Money, nullable=False)
    aid_standard_id = Column(Integer, ForeignKey("aid_standard.id"))
    status = Column(str_enum(EntitlementStatus, "entitlement_status"), nullable=False,
                    default=EntitlementStatus.ACTIVE)
    carried_from_id = Column(Integer, ForeignKey("entitlement.id"))  # the term before's, when carried over
    stop_reason = Column(String(200))
    student = relationship("Student")
    school = relationship("School")
    term = relationship("Term")
    aid_item = relationship("AidItem")
    application = relationship("Application")
    tier = relationship("Tier")

    def __repr__(self) -> str:
        return f"{self.student} · {self.aid_item} · {self.term}"


class Allocation(Versioned, Stamped, Model):
    """The money a fund account allocates to a school for an item and term (下达资金). Its amount and
    what is left are sums of the ledger; the row is what approvals lock, one at a time."""

    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("fund_account_id", "school_id", "aid_item_id", "term_id", name="uq_allocation"),
        Index("ix_allocation_school_term_item", "school_id", "term_id", "aid_item_id"),
    )
    id = Column(Integer, primary_key=True)
    fund_account_id = Column(Integer, ForeignKey("fund_account.id"), nullable=False)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    notes = Column(String(200))
    fund_account = relationship("FundAccount")
    school = relationship("School")
    aid_item = relationship("AidItem")
    term = relationship("Term")

    def __repr__(self) -> str:
        return f"{self.school} · {self.aid_item} · {self.term}"


class Quota(Versioned, Stamped, Model):
    """How many pupils of a school may receive an item in a term (名额)."""

    __tablename__ = "quota"
    __table_args__ = (
        UniqueConstraint("school_id", "aid_item_id", "term_id", name="uq_quota_school_item_term"),
        CheckConstraint("places >= 0", name="ck_quota_places"),
    )
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    places = Column(Integer, nullable=False)
    notes = Column(String(200))
    school = relationship("School")
    aid_item = relationship("AidItem")
    term = relationship("Term")

    def __repr__(self) -> str:
        return f"{self.school} · {self.aid_item} · {self.term}: {self.places}"


class EntryKind(enum.Enum):
    """What a ledger entry records."""

    RECEIPT = "receipt"  # funds received into the account (budget or donor)
    ALLOCATION = "allocation"  # district → school, per item and term
    RESERVATION = "reservation"  # an approved batch holds its total
    PAYMENT = "payment"  # the bank paid a line
    RELEASE = "release"  # the bank failed a line: its money goes back to the allocation
    RECOVERY = "recovery"  # a payment recovered (information proved false)
    REVERSAL = "reversal"  # undoes an entry, line by line


class Book(enum.Enum):
    """The books of a fund account (see the module's docstring)."""

    BUDGET = "budget"
    UNALLOCATED = "unallocated"
    ALLOCATED = "allocated"
    RESERVED = "reserved"
    PAID = "paid"


class LedgerEntry(Model):
    """One money event of one fund account: two or more lines that sum to zero. Never updated or
    deleted (the database refuses it); `reverses_id` names the entry a reversal undoes (once)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account", "fund_account_id", "id"),)
    id = Column(Integer, primary_key=True)
    kind = Column(str_enum(EntryKind, "entry_kind"), nullable=False)
    fund_account_id = Column(Integer, ForeignKey("fund_account.id"), nullable=False)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), index=True)  # the school it concerns, if one
    booked_on = Column(Date, nullable=False)  # the accounting date
    recorded_at = Column(UtcDateTime, nullable=False, default=utcnow)
    recorded_by = Column(Integer, ForeignKey("ab_user.id"))
    username = Column(String(64))
    memo = Column(String(200))
    reference = Column(String(64))  # the voucher or bank document number
    reverses_id = Column(Integer, ForeignKey("ledger_entry.id"), unique=True)
    batch_id = Column(Integer, ForeignKey("disbursement_batch.id"), index=True)
    allocation_id = Column(Integer, ForeignKey("allocation.id"), index=True)
    fund_account = relationship("FundAccount")
    lines = relationship("LedgerLine", back_populates="entry", order_by="LedgerLine.id")

    def __repr__(self) -> str:
        return f"#{self.id} {self.kind.value}"


class LedgerLine(Model):
    """One line of an entry: a signed amount on one book of the account, with the school, item, term
    and batch it concerns (those the book is kept by)."""

    __tablename__ = "ledger_line"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ck_ledger_line_amount"),
        Index("ix_ledger_line_book", "fund_account_id", "book", "school_id", "aid_item_id", "term_id"),
        Index("ix_ledger_line_school", "school_id", "term_id", "aid_item_id", "book"),
    )
    id = Column(Integer, primary_key=True)
    entry_id = Column(Integer, ForeignKey("ledger_entry.id"), nullable=False, index=True)
    fund_account_id = Column(Integer, ForeignKey("fund_account.id"), nullable=False)
    book = Column(str_enum(Book, "ledger_book"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"))
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"))
    term_id = Column(Integer, ForeignKey("term.id"))
    batch_id = Column(Integer, ForeignKey("disbursement_batch.id"), index=True)
    amount = Column(Money, nullable=False)
    entry = relationship("LedgerEntry", back_populates="lines")


class BatchStatus(enum.Enum):
    """A disbursement batch: drafted by the school, submitted, approved by the district (its total
    reserved), exported to the bank, reconciled with the bank's answer; or withdrawn before approval."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    EXPORTED = "exported"
    RECONCILED = "reconciled"
    WITHDRAWN = "withdrawn"


class DisbursementBatch(Versioned, Stamped, Model):
    """One payment run of one school, item and term, from one allocation (发放批次)."""

    __tablename__ = "disbursement_batch"
    __table_args__ = (
        Index("ix_disbursement_batch_school_term", "school_id", "term_id", "aid_item_id"),
        CheckConstraint("total >= 0", name="ck_disbursement_batch_total"),
    )
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    allocation_id = Column(Integer, ForeignKey("allocation.id"), nullable=False, index=True)
    status = Column(str_enum(BatchStatus, "batch_status"), nullable=False, default=BatchStatus.DRAFT)
    title = Column(String(120), nullable=False)
    # the control totals, fixed when the batch is made: the bank file and the approval check them
    line_count = Column(Integer, nullable=False, default=0)
    total = Column(Money, nullable=False, default=0)
    # the form or API call that made it: the same key again gives this batch, never a second one
    idempotency_key = Column(String(64), nullable=False, unique=True)
    request_hash = Column(String(64), nullable=False)
    submitted_on = Column(UtcDateTime)
    submitted_by = Column(Integer, ForeignKey("ab_user.id"))
    approved_on = Column(UtcDateTime)
    approved_by = Column(Integer, ForeignKey("ab_user.id"))
    exported_on = Column(UtcDateTime)
    reconciled_on = Column(UtcDateTime)
    withdrawn_reason = Column(String(200))
    school = relationship("School")
    term = relationship("Term")
    aid_item = relationship("AidItem")
    allocation = relationship("Allocation")
    lines = relationship("DisbursementLine", back_populates="batch", order_by="DisbursementLine.id")

    def __repr__(self) -> str:
        return self.title


class LineStatus(enum.Enum):
    """A pupil's payment in a batch: pending until the bank answers, then paid or failed; a line of a
    withdrawn batch is cancelled; a paid line recovered is reversed."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REVERSED = "reversed"


LIVE_LINE = ("pending", "paid")  # a pupil has at most one live line per item and term


class DisbursementLine(Versioned, Model):
    """One pupil's payment in a batch, with the payee as it stood when the batch was made."""

    __tablename__ = "disbursement_line"
    __table_args__ = (
        # never paid twice: one live line per pupil, item and term, in the database itself
        Index("uq_disbursement_line_live", "student_id", "aid_item_id", "term_id", unique=True,
              sqlite_where=text("status IN ('pending', 'paid')"),
              postgresql_where=text("status IN ('pending', 'paid')")),
        Index("ix_disbursement_line_batch", "batch_id", "id"),
        CheckConstraint("amount > 0", name="ck_disbursement_line_amount"),
    )
    id = Column(Integer, primary_key=True)
    batch_id = Column(Integer, ForeignKey("disbursement_batch.id"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    entitlement_id = Column(Integer, ForeignKey("entitlement.id"), nullable=False, index=True)
    tier_id = Column(Integer, ForeignKey("tier.id"), nullable=False)
    amount = Column(Money, nullable=False)
    payee_name = Column(String(32), nullable=False)
    payee_id_number = Column(String(18))  # the account holder's (the guardian's), as banks ask for it
    bank_name = Column(String(64))
    bank_account = Column(String(32), nullable=False)
    reference = Column(String(32), nullable=False, unique=True)  # what the bank file and its answer carry
    status = Column(str_enum(LineStatus, "line_status"), nullable=False, default=LineStatus.PENDING)
    failure_reason = Column(String(200))
    answered_on = Column(Date)  # when the bank paid or failed it
    reissued_from_id = Column(Integer, ForeignKey("disbursement_line.id"))
    batch = relationship("DisbursementBatch", back_populates="lines")
    student = relationship("Student")
    school = relationship("School")
    aid_item = relationship("AidItem")
    term = relationship("Term")
    tier = relationship("Tier")

    def __repr__(self) -> str:
        return f"{self.reference} {self.amount}"




class FileFormat(enum.Enum):
    """How a bank file is written: an Excel workbook, or CSV text in GBK (what most county bank systems
    and the 一卡通 platform import)."""

    XLSX = "xlsx"
    CSV_GBK = "csv_gbk"


class BankFileLayout(Versioned, Stamped, Model):
    """The layout an agent bank or the 惠民惠农一卡通 platform imports: columns, format, header and
    total rows (seeded from seed/bank_layouts.json; a district may add its own)."""

    __tablename__ = "bank_file_layout"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    district_id = Column(Integer, ForeignKey("district.id"), index=True)  # None: offered to every district
    file_format = Column(str_enum(FileFormat, "bank_file_format"), nullable=False, default=FileFormat.XLSX)
    # [{"field": "reference" | "payee_name" | "bank_account" | "amount" | …, "title": "…"}, …]
    columns = Column(JSON, nullable=False)
    title_row = Column(Boolean, nullable=False, default=True)  # a first row naming the batch
    total_row = Column(Boolean, nullable=False, default=True)  # a last row with the count and the sum
    is_default = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    notes = Column(String(200))

    def __repr__(self) -> str:
        return self.name


class BankFile(Model):
    """A bank file made for a batch: its bytes' SHA-256 and control totals (the same batch and layout
    always give the same bytes; downloading again makes no payment)."""

    __tablename__ = "bank_file"
    __table_args__ = (UniqueConstraint("batch_id", "layout_id", name="uq_bank_file_batch_layout"),)
    id = Column(Integer, primary_key=True)
    batch_id = Column(Integer, ForeignKey("disbursement_batch.id"), nullable=False)
    layout_id = Column(Integer, ForeignKey("bank_file_layout.id"), nullable=False)
    filename = Column(String(200), nullable=False)
    sha256 = Column(String(64), nullable=False)
    line_count = Column(Integer, nullable=False)
    total = Column(Money, nullable=False)
    made_at = Column(UtcDateTime, nullable=False, default=utcnow)
    made_by = Column(Integer, ForeignKey("ab_user.id"))
    downloads = Column(Integer, nullable=False, default=1)
    batch = relationship("DisbursementBatch")
    layout = relationship("BankFileLayout")


class BankReturn(Model):
    """A bank's answer file imported for a batch: the same file (by its SHA-256) is never imported twice."""

    __tablename__ = "bank_return"
    id = Column(Integer, primary_key=True)
    batch_id = Column(Integer, ForeignKey("disbursement_batch.id"), nullable=False, index=True)
    filename = Column(String(200), nullable=False)
    sha256 = Column(String(64), nullable=False, unique=True)
    imported_at = Column(UtcDateTime, nullable=False, default=utcnow)
    imported_by = Column(Integer, ForeignKey("ab_user.id"))
    paid = Column(Integer, nullable=False, default=0)
    paid_amount = Column(Money, nullable=False, default=0)
    failed = Column(Integer, nullable=False, default=0)
    failed_amount = Column(Money, nullable=False, default=0)
    batch = relationship("DisbursementBatch")


__all__ = [
    "Allocation", "BankFile", "BankFileLayout", "BankReturn", "BatchStatus", "Book", "FileFormat",
    "DisbursementBatch", "DisbursementLine", "Entitlement", "EntitlementStatus", "EntryKind", "LIVE_LINE",
    "LedgerEntry", "LedgerLine", "LineStatus", "Quota",
]
