//! What `kiosk bench` measures with, kept out of the kiosk's production
//! crates: the kiosk runs none of it. `generate` writes a scaled copy of a
//! store; `quality` (labelled queries) and `relevance` (a public relevance
//! set, NDCG and recall) judge search, against `fts5`, the SQLite FTS5
//! peer; `wer` scores transcripts and `peer` drives faster-whisper for
//! `kiosk bench asr`; `llm` measures the language model's speed.

pub mod fts5;
pub mod generate;
pub mod llm;
pub mod peer;
pub mod quality;
pub mod relevance;
pub mod wer;
