"""SQLite state of the sandbox: one file, so a restarted sandbox continues where it stopped."""

import json
import sqlite3
import threading
import time

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pos (
    number TEXT PRIMARY KEY, day INTEGER NOT NULL, vendor_code TEXT NOT NULL,
    created REAL NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL,
    state_changed REAL NOT NULL, changed REAL, last_updated REAL NOT NULL,
    po_type TEXT NOT NULL, payment_method TEXT NOT NULL, ship_to TEXT NOT NULL,
    ship_start REAL NOT NULL, ship_end REAL NOT NULL,
    deliv_start REAL NOT NULL, deliv_end REAL NOT NULL,
    deal_code TEXT, import_json TEXT, auto_receive_at REAL, close_at REAL
);
CREATE INDEX IF NOT EXISTS pos_created ON pos (created);
CREATE INDEX IF NOT EXISTS pos_changed ON pos (changed) WHERE changed IS NOT NULL;
CREATE INDEX IF NOT EXISTS pos_updated ON pos (last_updated);
CREATE INDEX IF NOT EXISTS pos_auto_receive ON pos (auto_receive_at)
    WHERE auto_receive_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS pos_close ON pos (close_at) WHERE close_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS items (
    po TEXT NOT NULL, seq INTEGER NOT NULL, asin TEXT NOT NULL, ean TEXT, sku TEXT,
    ordered INTEGER NOT NULL, unit TEXT NOT NULL, unit_size INTEGER NOT NULL,
    backorder INTEGER NOT NULL, net_cost TEXT NOT NULL, list_price TEXT NOT NULL,
    cancel_at REAL, cancelled INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
    backordered INTEGER NOT NULL DEFAULT 0,
    confirmation TEXT NOT NULL DEFAULT 'UNCONFIRMED', ack_details TEXT NOT NULL DEFAULT '[]',
    shipped INTEGER NOT NULL DEFAULT 0, invoiced INTEGER NOT NULL DEFAULT 0,
    received INTEGER NOT NULL DEFAULT 0, receive_status TEXT NOT NULL DEFAULT 'NOT_RECEIVED',
    last_receive REAL,
    PRIMARY KEY (po, seq)
);
CREATE INDEX IF NOT EXISTS items_cancel ON items (cancel_at) WHERE cancel_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, created REAL NOT NULL, complete_at REAL NOT NULL,
    status TEXT NOT NULL, errors TEXT NOT NULL DEFAULT '[]', body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tx_due ON transactions (status, complete_at);
CREATE TABLE IF NOT EXISTS asns (
    shipment_id TEXT PRIMARY KEY, selling_party TEXT NOT NULL, created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY, po TEXT NOT NULL, seq INTEGER NOT NULL, qty INTEGER NOT NULL,
    receive_at REAL NOT NULL, done INTEGER NOT NULL DEFAULT 0, shipment_id TEXT
);
CREATE INDEX IF NOT EXISTS receipts_due ON receipts (done, receive_at);
CREATE TABLE IF NOT EXISTS receipt_log (
    po TEXT NOT NULL, seq INTEGER NOT NULL, qty INTEGER NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS receipt_log_at ON receipt_log (at);
CREATE TABLE IF NOT EXISTS shipments (
    vendor_shipment_id TEXT PRIMARY KEY, created REAL NOT NULL, cancelled REAL,
    buyer_reference TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
    id TEXT PRIMARY KEY, created REAL NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, report_type TEXT NOT NULL, options TEXT NOT NULL,
    data_start REAL, data_end REAL, marketplace_ids TEXT NOT NULL, created REAL NOT NULL,
    document_id TEXT, final_status TEXT, fatal_reason TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, report_id TEXT NOT NULL, created REAL NOT NULL, content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, expires REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
"""


class Store:
    """One connection shared by the server threads behind a lock: simple and fast enough
    for a loopback sandbox (SQLite serialises writers anyway)."""

    def __init__(self, path):
        self.path = str(path)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self):
        with self.lock:
            self.conn.close()

    def q(self, sql, params=()):
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql, params=()):
        return self.conn.execute(sql, params).fetchone()

    def x(self, sql, params=()):
        return self.conn.execute(sql, params)

    def get_meta(self, key, default=None):
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(row[0]) if row else default

    def set_meta(self, key, value):
        self.x(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def wipe(self):
        with self.lock:
            tables = [r[0] for r in self.q("SELECT name FROM sqlite_master WHERE type='table'")]
            self.x("BEGIN")
            for table in tables:
                self.x(f"DELETE FROM {table}")
            self.x("COMMIT")


class SandboxClock:
    """Sandbox time: real time shifted by advance() and scaled by speed, or frozen.

    Persisted in the store so a restart continues the same timeline."""

    def __init__(self, store, speed=1.0, frozen=False):
        self.store = store
        self.speed = float(speed)
        self.frozen = bool(frozen)
        self._lock = threading.Lock()
        saved = store.get_meta("clock")
        if saved:
            self._base_sandbox, self._base_real = saved
        else:
            self._base_sandbox, self._base_real = time.time(), time.time()

    def start_at(self, epoch):
        with self._lock:
            self._base_sandbox, self._base_real = float(epoch), time.time()
            self._persist()

    def now(self):
        if self.frozen:
            return self._base_sandbox
        return self._base_sandbox + (time.time() - self._base_real) * self.speed

    def advance(self, seconds):
        if seconds < 0:
            raise ValueError("The sandbox clock only moves forward; got a negative advance")
        with self._lock:
            current = self.now()
            self._base_sandbox, self._base_real = current + seconds, time.time()
            self._persist()
        return self.now()

    def set_speed(self, speed):
        with self._lock:
            current = self.now()
            self._base_sandbox, self._base_real = current, time.time()
            self.speed = float(speed)
            self._persist()

    def _persist(self):
        with self.store.lock:
            self.store.set_meta("clock", [self._base_sandbox, self._base_real])

    def save(self):
        with self._lock:
            self._base_sandbox, self._base_real = self.now(), time.time()
            self._persist()
