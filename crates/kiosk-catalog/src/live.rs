//! The live snapshot of a running kiosk: one `Arc<Snapshot>` that queries
//! borrow for their whole duration, and that `refresh` replaces when the data
//! dir's `current` link has moved (after a sync). A query in flight keeps
//! the snapshot it started with, so a swap never fails or mixes a query.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::data_dir::DataDir;
use crate::error::Result;
use crate::snapshot::Snapshot;

pub struct LiveSnapshot {
    data_dir: DataDir,
    current: RwLock<(PathBuf, Arc<Snapshot>)>,
}

impl LiveSnapshot {
    pub fn open(data_dir: DataDir) -> Result<LiveSnapshot> {
        let snapshot = Snapshot::open(&data_dir)?;
        let path = snapshot.path().to_path_buf();
        Ok(LiveSnapshot {
            data_dir,
            current: RwLock::new((path, Arc::new(snapshot))),
        })
    }

    /// The snapshot to answer a query with; hold it until the answer is
    /// built.
    pub fn get(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
            .clone()
    }

    /// Switches to the data dir's current snapshot if it changed. Returns
    /// true when it switched. The new snapshot is opened before the swap,
    /// so readers never wait on it; a failure leaves the old one live.
    pub fn refresh(&self) -> Result<bool> {
        let Some(path) = self.data_dir.current()? else {
            return Ok(false);
        };
        if self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
            == path
        {
            return Ok(false);
        }
        let snapshot = Arc::new(Snapshot::open(&self.data_dir)?);
        let path = snapshot.path().to_path_buf();
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (path, snapshot);
        Ok(true)
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }
}
