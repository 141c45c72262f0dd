//! The live snapshot of a running kiosk: one `Arc<Snapshot>` that queries
//! borrow for their whole duration, and that `refresh` replaces when the data
//! dir's `current` link has moved (after a sync). A query in flight keeps
//! the snapshot it started with, so a swap never fails or mixes a query.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::data_dir::DataDir;
use crate::error::Result;
use crate::snapshot::{Embedder, Snapshot};

pub struct LiveSnapshot {
    data_dir: DataDir,
    current: RwLock<(PathBuf, Arc<Snapshot>)>,
    /// Attached to every snapshot opened, so search goes by meaning too.
    embedder: Option<Arc<Embedder>>,
}

impl LiveSnapshot {
    pub fn open(data_dir: DataDir) -> Result<LiveSnapshot> {
        LiveSnapshot::open_with_embedder(data_dir, None)
    }

    /// As [`open`](Self::open), searching by meaning too with `embedder`
    /// (this snapshot and every one a refresh switches to).
    pub fn open_with_embedder(
        data_dir: DataDir,
        embedder: Option<Arc<Embedder>>,
    ) -> Result<LiveSnapshot> {
        let snapshot = open(&data_dir, embedder.as_ref())?;
        let path = snapshot.path().to_path_buf();
        Ok(LiveSnapshot {
            data_dir,
            current: RwLock::new((path, Arc::new(snapshot))),
            embedder,
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
        let snapshot = Arc::new(open(&self.data_dir, self.embedder.as_ref())?);
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

fn open(data_dir: &DataDir, embedder: Option<&Arc<Embedder>>) -> Result<Snapshot> {
    let mut snapshot = Snapshot::open(data_dir)?;
    if let Some(embedder) = embedder {
        snapshot.attach_embedder(embedder.clone());
    }
    Ok(snapshot)
}
