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
        rowids: Vec::new(),
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
