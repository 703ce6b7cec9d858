//! Session state in SQLite (survives a restart; one file, no server to run)
//! and part images as files written atomically (temp file, fsync, rename),
//! so a crash mid-write never leaves a half image under a part's name.
//!
//! Every write that depends on the session's status checks it in the same
//! transaction that makes the write, under the one connection's lock: a part
//! lands only while the session is open (an upload that began before a
//! cancel or a completion is refused when it comes to write), the file is
//! renamed into place and its record written together (the record's sha256
//! always describes the bytes on disk), and status changes are
//! compare-and-set from `open`. Each writer has its own temp file.
//!
//! Images are deleted ([`Store::purge`]) at cancel, once a session has
//! expired, and a retention after completion (the merchant's back office
//! fetches the parts within it).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The parts a session can hold.
pub const PARTS: [&str; 3] = ["document_front", "document_back", "selfie"];

/// Document types and the parts each needs.
pub fn required_parts(document_type: &str) -> Option<&'static [&'static str]> {
    match document_type {
        "id_card" | "residence_permit" => Some(&["document_front", "document_back", "selfie"]),
        "passport" => Some(&["document_front", "selfie"]),
        _ => None,
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PartInfo {
    pub part: String,
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: String,
    pub token_hash: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
    /// Stored status: open, completed or cancelled (expiry is computed).
    pub status: String,
    pub parent_origin: String,
    pub document_type: Option<String>,
    /// The shopper pressed start (a reload returns to the document choice).
    pub started: bool,
    /// The document number the shopper typed in the checkout, given by the
    /// merchant's backend at creation: an MRZ read with another number is
    /// refused. Never returned by the session API.
    pub document_number: Option<String>,
}

pub struct Store {
    db: Mutex<Connection>,
    dir: PathBuf,
}

#[derive(Debug)]
pub struct StoreError(pub String);

/// Why a status-dependent write did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Past its deadline while still open.
    Expired,
    /// Completed or cancelled (the status).
    Closed(String),
    /// No such session.
    Gone,
    /// Parts a completion needs that are not stored.
    Missing(Vec<String>),
}

/// A unique suffix for a writer's temp file.
fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!("{}-{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl Store {
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir.join("parts"))?;
        let db = Connection::open(dir.join("sessions.sqlite3"))?;
        db.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA secure_delete=ON;
             CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY, token_hash BLOB NOT NULL, created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL, status TEXT NOT NULL, parent_origin TEXT NOT NULL,
                document_type TEXT, started INTEGER NOT NULL DEFAULT 0);
             CREATE INDEX IF NOT EXISTS sessions_token ON sessions (token_hash);
             CREATE TABLE IF NOT EXISTS parts (
                session_id TEXT NOT NULL, part TEXT NOT NULL, sha256 TEXT NOT NULL,
                bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
                report TEXT, stored_at INTEGER NOT NULL, PRIMARY KEY (session_id, part));",
        )?;
        // Columns added since the first schema: when the session was
        // completed or cancelled, and whether its images are deleted.
        let cols: Vec<String> = db
            .prepare("SELECT name FROM pragma_table_info('sessions')")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if !cols.iter().any(|c| c == "closed_at") {
            // Sessions completed before the column existed start their
            // retention now, not at their creation (which would delete
            // images a merchant may not have fetched yet).
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            db.execute_batch("ALTER TABLE sessions ADD COLUMN closed_at INTEGER")?;
            db.execute("UPDATE sessions SET closed_at = ?1 WHERE status != 'open'", params![now])?;
        }
        if !cols.iter().any(|c| c == "document_number") {
            db.execute_batch("ALTER TABLE sessions ADD COLUMN document_number TEXT")?;
        }
        if !cols.iter().any(|c| c == "purged") {
            db.execute_batch("ALTER TABLE sessions ADD COLUMN purged INTEGER NOT NULL DEFAULT 0")?;
        }
        Ok(Store { db: Mutex::new(db), dir: dir.to_path_buf() })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn create(&self, s: &SessionRow) -> Result<(), StoreError> {
        self.db().execute(
            "INSERT INTO sessions (id, token_hash, created_at, expires_at, status, parent_origin, document_type,
                 document_number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                s.id,
                s.token_hash,
                s.created_at,
                s.expires_at,
                s.status,
                s.parent_origin,
                s.document_type,
                s.document_number
            ],
        )?;
        Ok(())
    }

    pub fn get(&self, id: &str) -> Result<Option<SessionRow>, StoreError> {
        Ok(self
            .db()
            .query_row(
                "SELECT id, token_hash, created_at, expires_at, status, parent_origin, document_type, started,
                        document_number
                 FROM sessions WHERE id = ?1",
                params![id],
                |r| {
                    Ok(SessionRow {
                        id: r.get(0)?,
                        token_hash: r.get(1)?,
                        created_at: r.get(2)?,
                        expires_at: r.get(3)?,
                        status: r.get(4)?,
                        parent_origin: r.get(5)?,
                        document_type: r.get(6)?,
                        started: r.get::<_, i64>(7)? != 0,
                        document_number: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether a token (by hash) belongs to some session.
    pub fn token_exists(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        Ok(self
            .db()
            .query_row("SELECT 1 FROM sessions WHERE token_hash = ?1", params![token_hash], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn parts(&self, id: &str) -> Result<Vec<PartInfo>, StoreError> {
        let db = self.db();
        let mut st =
            db.prepare("SELECT part, sha256, bytes, width, height FROM parts WHERE session_id = ?1 ORDER BY part")?;
        let rows = st.query_map(params![id], |r| {
            Ok(PartInfo { part: r.get(0)?, sha256: r.get(1)?, bytes: r.get(2)?, width: r.get(3)?, height: r.get(4)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn part_path(&self, id: &str, part: &str) -> PathBuf {
        // Both come from validated vocabularies (hex id, fixed part names).
        self.dir.join("parts").join(id).join(format!("{part}.jpg"))
    }

    /// Store a part's bytes atomically and record it, if the session is
    /// open when the write is made. The clock is read under the lock: a
    /// write that waited for it (behind a cancel or a sweep) is judged at
    /// the time it lands. The bytes go first to a temp file of this writer's
    /// own outside the session's folder, which is made (again) only under
    /// the lock, so a purge never races a writer in it.
    pub fn put_part(
        &self,
        id: &str,
        info: &PartInfo,
        bytes: &[u8],
        report: Option<&str>,
        now: &dyn Fn() -> i64,
    ) -> Result<Result<(), Refused>, StoreError> {
        let tmp_dir = self.dir.join("tmp");
        std::fs::create_dir_all(&tmp_dir)?;
        let tmp = tmp_dir.join(format!("{id}.{}.{}.tmp", info.part, unique()));
        let written = (|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        let result = self.put_locked(id, info, &tmp, report, now);
        // Gone when renamed into place; removed here otherwise.
        let _ = std::fs::remove_file(&tmp);
        result
    }

    fn put_locked(
        &self,
        id: &str,
        info: &PartInfo,
        tmp: &Path,
        report: Option<&str>,
        now: &dyn Fn() -> i64,
    ) -> Result<Result<(), Refused>, StoreError> {
        self.while_open(id, now, |tx, now| {
            let path = self.part_path(id, &info.part);
            std::fs::create_dir_all(path.parent().expect("part path has a parent"))?;
            tx.execute(
                "INSERT INTO parts (session_id, part, sha256, bytes, width, height, report, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(session_id, part) DO UPDATE SET sha256 = ?3, bytes = ?4, width = ?5,
                    height = ?6, report = ?7, stored_at = ?8",
                params![id, info.part, info.sha256, info.bytes, info.width, info.height, report, now],
            )?;
            tx.execute("UPDATE sessions SET purged = 0 WHERE id = ?1", params![id])?;
            // Renamed last: the record commits only when the file is in
            // place (a failed commit after it leaves the new bytes under the
            // old record only if SQLite fails between the two).
            std::fs::rename(tmp, &path)?;
            Ok(Ok(()))
        })
    }

    /// Run `write` in a transaction, under the lock, if the session is open
    /// at the time read from `now` once the lock is held; commit what it
    /// returns `Ok(Ok(_))` for.
    fn while_open<T>(
        &self,
        id: &str,
        now: &dyn Fn() -> i64,
        write: impl FnOnce(&rusqlite::Transaction<'_>, i64) -> Result<Result<T, Refused>, StoreError>,
    ) -> Result<Result<T, Refused>, StoreError> {
        let mut db = self.db();
        let now = now();
        let tx = db.transaction()?;
        if let Err(refused) = open_at(&tx, id, now)? {
            return Ok(Err(refused));
        }
        let out = write(&tx, now)?;
        if out.is_ok() {
            tx.commit()?;
        }
        Ok(out)
    }

    /// Record the shopper's progress that a reload must not lose, while the
    /// session is open (compare-and-set, judged at the time of the write).
    pub fn set_progress(
        &self,
        id: &str,
        started: bool,
        document_type: Option<&str>,
        now: &dyn Fn() -> i64,
    ) -> Result<Result<(), Refused>, StoreError> {
        self.while_open(id, now, |tx, _| {
            tx.execute(
                "UPDATE sessions SET started = MAX(started, ?2), document_type = COALESCE(?3, document_type)
                 WHERE id = ?1",
                params![id, started as i64, document_type],
            )?;
            Ok(Ok(()))
        })
    }

    /// Close an open session (compare-and-set from `open`, before its
    /// deadline, judged at the time of the write): `completed` needs every
    /// part in `required` stored and records when, for the retention;
    /// `cancelled` deletes the images in the same step.
    pub fn close(
        &self,
        id: &str,
        status: &str,
        document_type: Option<&str>,
        required: &[&str],
        now: &dyn Fn() -> i64,
    ) -> Result<Result<(), Refused>, StoreError> {
        self.while_open(id, now, |tx, now| {
            let stored: Vec<String> = tx
                .prepare("SELECT part FROM parts WHERE session_id = ?1")?
                .query_map(params![id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let missing: Vec<String> =
                required.iter().filter(|p| !stored.iter().any(|s| s == *p)).map(|p| p.to_string()).collect();
            if !missing.is_empty() {
                return Ok(Err(Refused::Missing(missing)));
            }
            tx.execute(
                "UPDATE sessions SET status = ?2, document_type = COALESCE(?3, document_type), closed_at = ?4
                 WHERE id = ?1 AND status = 'open'",
                params![id, status, document_type, now],
            )?;
            if status == "cancelled" {
                self.delete_images(tx, id)?;
            }
            Ok(Ok(()))
        })
    }

    /// Delete the images of sessions (or of `only` that one) that are
    /// cancelled, expired, or completed more than `retention_ms` ago, at
    /// most [`PURGE_BATCH`] per call, each in its own transaction: a session
    /// whose files cannot be deleted is logged and left for the next sweep
    /// (still marked as holding images), and does not stop the others. How
    /// many sessions lost their images.
    pub fn purge(&self, now: i64, retention_ms: i64, only: Option<&str>) -> Result<usize, StoreError> {
        let ids: Vec<String> = self
            .db()
            .prepare(
                "SELECT id FROM sessions WHERE purged = 0 AND (?3 IS NULL OR id = ?3) AND (
                    status = 'cancelled'
                    OR (status = 'open' AND expires_at <= ?1)
                    OR (status = 'completed' AND COALESCE(closed_at, created_at) + ?2 <= ?1))
                 LIMIT ?4",
            )?
            .query_map(params![now, retention_ms, only, PURGE_BATCH as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut done = 0;
        for id in &ids {
            let mut db = self.db();
            let tx = db.transaction()?;
            match self.delete_images(&tx, id) {
                Ok(()) => {
                    tx.commit()?;
                    done += 1;
                }
                Err(e) => tracing::error!(session = %id, "images not deleted, retried at the next sweep: {}", e.0),
            }
        }
        if done > 0 {
            // The reports (an MRZ's fields among them) and the number typed
            // at checkout are zeroed in the database (`secure_delete`); the
            // write-ahead log's older copies of those pages go too.
            let _ = self.db().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(done)
    }

    /// Remove a session's part files and records, and mark it purged (the
    /// caller commits; the files go first, so a failure leaves the records
    /// saying there is something to delete).
    fn delete_images(&self, tx: &rusqlite::Transaction<'_>, id: &str) -> Result<(), StoreError> {
        match std::fs::remove_dir_all(self.dir.join("parts").join(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        tx.execute("DELETE FROM parts WHERE session_id = ?1", params![id])?;
        // The number typed at checkout goes with the images.
        tx.execute("UPDATE sessions SET purged = 1, document_number = NULL WHERE id = ?1", params![id])?;
        Ok(())
    }
}

/// Sessions a purge handles per call (the sweeper calls again a minute
/// later), so one call never holds the lock for long.
pub const PURGE_BATCH: usize = 200;

/// Whether the session is open at `now`, read inside the transaction that
/// writes.
fn open_at(tx: &rusqlite::Transaction<'_>, id: &str, now: i64) -> Result<Result<(), Refused>, StoreError> {
    let row: Option<(String, i64)> = tx
        .query_row("SELECT status, expires_at FROM sessions WHERE id = ?1", params![id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        None => Err(Refused::Gone),
        Some((status, _)) if status != "open" => Err(Refused::Closed(status)),
        Some((_, expires_at)) if now >= expires_at => Err(Refused::Expired),
        Some(_) => Ok(()),
    })
}
