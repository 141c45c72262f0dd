use std::collections::BTreeMap;

use super::*;

#[test]
fn a_passage_has_title_category_tags_options_and_the_start_of_the_description() {
    let mut options = BTreeMap::new();
    options.insert("Size".to_string(), vec!["S".to_string(), "M".to_string()]);
    options.insert("Color".to_string(), vec!["Navy".to_string()]);
    let text = passage(
        "Rain jacket",
        Some("Jackets"),
        &["outdoor", "", "waterproof"],
        &options,
        "Keeps you dry. Taped seams.",
    );
    assert_eq!(
        text,
        "Rain jacket. Jackets. outdoor, waterproof. Color: Navy. Size: S, M. Keeps you dry. Taped seams."
    );
    assert_eq!(
        passage("Mug", None, &[], &BTreeMap::new(), "  "),
        "Mug",
        "empty parts are left out"
    );
}

#[test]
fn a_long_description_is_cut_at_a_sentence_or_a_word() {
    let first = "A sturdy drill for wood and metal.";
    let long = format!("{first} {}", "More words follow here. ".repeat(20));
    let cut = short_description(&long);
    assert!(cut.ends_with('.'), "{cut:?}");
    assert!(cut.starts_with(first));
    assert!(cut.chars().count() <= DESCRIPTION_CHARS);
    let one_sentence = "word ".repeat(100);
    let cut = short_description(&one_sentence);
    assert!(cut.ends_with("word"), "{cut:?}");
    assert!(cut.chars().count() <= DESCRIPTION_CHARS);
    let chinese = "這件外套防水。".repeat(60);
    let cut = short_description(&chinese);
    assert!(cut.ends_with('。') && cut.chars().count() <= DESCRIPTION_CHARS);
}

#[test]
fn the_hash_changes_with_the_text_and_the_model() {
    let a = content_hash("model-a", "Rain jacket");
    assert_eq!(a, content_hash("model-a", "Rain jacket"));
    assert_ne!(a, content_hash("model-a", "Rain jackets"));
    assert_ne!(a, content_hash("model-b", "Rain jacket"));
}

#[test]
fn quantizing_keeps_the_direction() {
    let v: Vec<f32> = (0..384)
        .map(|i| ((i * 37 % 101) as f32 - 50.0) / 300.0)
        .collect();
    let (scale, q) = quantize(&v);
    let back: Vec<f32> = q.iter().map(|&x| f32::from(x) * scale).collect();
    assert!(kiosk_embed::cosine(&v, &back) > 0.999);
    assert_eq!(quantize(&[0.0; 4]), (0.0, vec![0; 4]));
}

fn unit(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / n).collect()
}

fn index(vectors: &[(u64, Vec<f32>)]) -> VectorIndex {
    let mut index = VectorIndex {
        dim: vectors[0].1.len(),
        model: "m".into(),
        rowids: Rowids::new(),
        scales: Vec::new(),
        data: Vec::new(),
    };
    for (rowid, v) in vectors {
        let (scale, q) = quantize(&unit(v));
        index.rowids.push(*rowid);
        index.scales.push(scale);
        index.data.extend(q);
    }
    index
}

#[test]
fn nearest_ranks_by_similarity_within_the_allowed_products() {
    let index = index(&[
        (1, vec![1.0, 0.0, 0.0]),
        (2, vec![0.9, 0.1, 0.0]),
        (5, vec![0.0, 1.0, 0.0]),
        (7, vec![0.0, 0.0, 1.0]),
    ]);
    let query = unit(&[1.0, 0.05, 0.0]);
    let near = index.nearest(&query, None, 2);
    let ids: Vec<u64> = near.hits.iter().map(|h| h.0).collect();
    assert_eq!(ids, [1, 2]);
    assert!(near.hits[0].1 > 0.95 && near.hits[0].1 <= 1.01);
    let near = index.nearest(&query, Some(&[5, 7, 9]), 3);
    let ids: Vec<u64> = near.hits.iter().map(|h| h.0).collect();
    assert_eq!(ids, [5, 7], "only allowed products, unknown rowids ignored");
}

#[test]
fn only_hits_far_above_the_mean_stand_out() {
    let mut vectors: Vec<(u64, Vec<f32>)> = (0..50)
        .map(|i| (i, vec![0.0, 1.0, (i % 7) as f32 * 0.01]))
        .collect();
    vectors.push((100, vec![1.0, 0.2, 0.0]));
    let index = index(&vectors);
    let near = index.nearest(&unit(&[1.0, 0.0, 0.0]), None, 10);
    let out: Vec<u64> = near.stands_out(3.0).map(|h| h.0).collect();
    assert_eq!(out, [100]);
    // A query close to everything alike: nothing stands out.
    let near = index.nearest(&unit(&[0.0, 1.0, 0.0]), None, 10);
    assert!(near.stands_out(3.0).next().is_none());
}

#[test]
fn rowids_without_a_gap_are_one_run_and_a_gap_lists_them() {
    let mut run = Rowids::new();
    for rowid in 1..=5 {
        run.push(rowid);
    }
    assert_eq!(run, Rowids::Run { first: 1, len: 5 });
    assert_eq!(run.memory_bytes(), 0);
    assert_eq!((run.get(0), run.get(4)), (1, 5));
    assert_eq!(run.position(3), Some(2));
    assert_eq!(run.position(0), None);
    assert_eq!(run.position(6), None);
    run.push(9);
    assert_eq!(run, Rowids::Listed(vec![1, 2, 3, 4, 5, 9]));
    assert_eq!(run.position(9), Some(5));
    assert_eq!(run.position(7), None);
    assert_eq!(run.get(5), 9);
    assert_eq!(run.len(), 6);
}

#[test]
fn the_top_k_and_the_spread_are_those_of_every_similarity() {
    // 60 products at pseudo-random angles, some with equal vectors: the
    // running top k equals sorting every similarity (ties by rowid order),
    // and the mean and spread are over all of them.
    let vectors: Vec<(u64, Vec<f32>)> = (0..60u64)
        .map(|i| {
            let j = (i % 45) as f32;
            (i * 2 + 1, vec![(j * 0.37).sin(), (j * 0.91).cos(), 0.3])
        })
        .collect();
    let index = index(&vectors);
    let query = unit(&[0.4, -0.2, 0.9]);
    let near = index.nearest(&query, None, 7);
    let (q_scale, q) = quantize(&query);
    let mut all: Vec<(u64, f32)> = (0..index.len())
        .map(|i| {
            let s = dot_i8(&q, index.vector(i)) as f32 * q_scale * index.scales[i];
            (index.rowids.get(i), s)
        })
        .collect();
    let mean = all.iter().map(|h| h.1).sum::<f32>() / all.len() as f32;
    let var = all.iter().map(|h| (h.1 - mean).powi(2)).sum::<f32>() / all.len() as f32;
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    assert_eq!(near.hits, all[..7].to_vec());
    assert!((near.mean - mean).abs() < 1e-5);
    assert!((near.std_dev - var.sqrt()).abs() < 1e-4);
    assert!(index.nearest(&query, None, 0).hits.is_empty());
}

#[test]
fn two_products_are_as_similar_as_their_vectors() {
    let index = index(&[
        (1, vec![1.0, 0.0, 0.0]),
        (2, vec![0.9, 0.1, 0.0]),
        (3, vec![0.0, 1.0, 0.0]),
    ]);
    let near = index.similarity(1, 2).expect("both have vectors");
    let far = index.similarity(1, 3).expect("both have vectors");
    assert!(near > 0.98 && far.abs() < 0.02, "{near} {far}");
    assert_eq!(index.similarity(1, 2), index.similarity(2, 1));
    assert_eq!(index.similarity(1, 4), None);
}

/// A snapshot's vector tables in memory: `n` vectors of `dim` values
/// under model `model`, product `i` keyed by the passage `product i`.
fn vector_db(model: &str, dim: usize, n: usize) -> Connection {
    let conn = Connection::open_in_memory().expect("sqlite");
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    )
    .expect("meta");
    conn.execute_batch(CREATE).expect("vectors");
    for (key, value) in [
        (meta::EMBED_MODEL, model.to_string()),
        (meta::EMBED_DIM, dim.to_string()),
    ] {
        conn.execute("INSERT INTO meta VALUES (?1, ?2)", params![key, value])
            .expect("meta row");
    }
    for i in 0..n {
        let v: Vec<f32> = (0..dim).map(|j| ((i * 7 + j) % 11) as f32 - 5.0).collect();
        let (scale, q) = quantize(&unit(&v));
        let bytes: Vec<u8> = q.iter().map(|&x| x as u8).collect();
        let hash = content_hash(model, &format!("product {i}"));
        conn.execute(
            "INSERT INTO product_vectors VALUES (?1, ?2, ?3, ?4)",
            params![i as i64 + 1, &hash[..], f64::from(scale), bytes],
        )
        .expect("vector row");
    }
    conn
}

#[test]
fn carried_vectors_come_back_by_passage_for_their_own_model_only() {
    // Issue 14: vectors a bundle carries are used only for the model and
    // dimension they were made with, and only for the passages they cover.
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join(carried::FILE_NAME);
    let conn = vector_db("model-a", 8, 3);
    assert_eq!(carried::write(&conn, &path).expect("write"), 3);

    let file = carried::Carried::open(&path, "model-a", 8)
        .expect("read")
        .expect("usable");
    assert_eq!(file.len(), 3);
    let stored: (f64, Vec<u8>) = conn
        .query_row(
            "SELECT scale, vector FROM product_vectors WHERE product_rowid = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    let (scale, vector) = file
        .get(&content_hash("model-a", "product 1"))
        .expect("covered");
    assert_eq!((scale, vector), (stored.0 as f32, &stored.1[..]));
    assert!(file.get(&content_hash("model-a", "product 9")).is_none());

    let other_model = carried::Carried::open(&path, "model-b", 8).expect("read");
    assert!(other_model.is_err_and(|why| why.contains("another model")));
    let other_dim = carried::Carried::open(&path, "model-a", 16).expect("read");
    assert!(other_dim.is_err_and(|why| why.contains("8 values")));
    // A file cut short, or with bytes after its records, is not used.
    let bytes = std::fs::read(&path).expect("read");
    for len in [bytes.len() - 1, 10, 0] {
        std::fs::write(&path, &bytes[..len]).expect("write");
        let cut = carried::Carried::open(&path, "model-a", 8).expect("read");
        assert!(cut.is_err(), "{len} bytes");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    std::fs::write(&path, &longer).expect("write");
    assert!(
        carried::Carried::open(&path, "model-a", 8)
            .expect("read")
            .is_err()
    );
}
