//! Session state in SQLite (survives a restart; one file, no server to run)
//! and part images as files written atomically (temp file, fsync, rename),
//! so a crash mid-write never leaves a half image under a part's name.

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
}

pub struct Store {
    db: Mutex<Connection>,
    dir: PathBuf,
}

#[derive(Debug)]
pub struct StoreError(pub String);

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
        Ok(Store { db: Mutex::new(db), dir: dir.to_path_buf() })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn create(&self, s: &SessionRow) -> Result<(), StoreError> {
        self.db().execute(
            "INSERT INTO sessions (id, token_hash, created_at, expires_at, status, parent_origin, document_type)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.id, s.token_hash, s.created_at, s.expires_at, s.status, s.parent_origin, s.document_type],
        )?;
        Ok(())
    }

    pub fn get(&self, id: &str) -> Result<Option<SessionRow>, StoreError> {
        Ok(self
            .db()
            .query_row(
                "SELECT id, token_hash, created_at, expires_at, status, parent_origin, document_type, started
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

    /// Store a part's bytes atomically and record it.
    pub fn put_part(
        &self,
        id: &str,
        info: &PartInfo,
        bytes: &[u8],
        report: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let path = self.part_path(id, &info.part);
        let dir = path.parent().expect("part path has a parent");
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{}.tmp", info.part));
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        self.db().execute(
            "INSERT INTO parts (session_id, part, sha256, bytes, width, height, report, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(session_id, part) DO UPDATE SET sha256 = ?3, bytes = ?4, width = ?5,
                height = ?6, report = ?7, stored_at = ?8",
            params![id, info.part, info.sha256, info.bytes, info.width, info.height, report, now],
        )?;
        Ok(())
    }

    /// Record the shopper's progress that a reload must not lose.
    pub fn set_progress(&self, id: &str, started: bool, document_type: Option<&str>) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE sessions SET started = MAX(started, ?2), document_type = COALESCE(?3, document_type) WHERE id = ?1",
            params![id, started as i64, document_type],
        )?;
        Ok(())
    }

    pub fn set_status(&self, id: &str, status: &str, document_type: Option<&str>) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE sessions SET status = ?2, document_type = COALESCE(?3, document_type) WHERE id = ?1",
            params![id, status, document_type],
        )?;
        Ok(())
    }
}
