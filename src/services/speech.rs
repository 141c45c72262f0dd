//! Speech input, per `[speech]`: the Whisper model, the prompts of the
//! store's own words, and push-to-talk's settings.

use std::path::Path;

use anyhow::Context;
use kiosk_core::Lang;
use kiosk_speech::capture::{CaptureOptions, EndpointConfig};
use kiosk_speech::names::{Corrected, StoreNames};
use kiosk_speech::prompt::{self, StoreWords};
use kiosk_speech::{EngineOptions, ModelKind, WhisperEngine};

use crate::config::Config;

/// The configured Whisper model, loaded (the app's speech worker uses it).
pub fn load_configured(config: &Config) -> anyhow::Result<(ModelKind, WhisperEngine)> {
    let kind = config.speech.model;
    let path = kind.ggml_path(&config.speech_models().hub())?;
    let options = EngineOptions {
        threads: config.speech.threads,
        window: config.speech.window,
        beam_size: config.speech.beam.max(1),
        ..EngineOptions::default()
    };
    Ok((kind, load(kind, &path, options)?))
}

/// A Whisper model file, loaded with `options`.
pub fn load(kind: ModelKind, path: &Path, options: EngineOptions) -> anyhow::Result<WhisperEngine> {
    WhisperEngine::load(path, options).with_context(|| format!("loading the {kind} speech model"))
}

/// The store's words for Whisper's prompt in `lang` (`None`: names only,
/// for a clip whose language is detected): brands and product lines from
/// the snapshot, and the category and colour words of `lang` from the
/// store's vocabulary.
pub fn store_words(snapshot: &kiosk_catalog::Snapshot, lang: Option<Lang>) -> StoreWords {
    use kiosk_core::lexicon::ConceptKind;
    use kiosk_core::traits::StockLookup;
    let brands = snapshot.brands().to_vec();
    let mut titles = Vec::new();
    for brand in &brands {
        let mut request = kiosk_core::traits::SearchRequest::new(brand.clone());
        request.limit = 200;
        if let Ok(hits) = snapshot.search(&request) {
            titles.extend(
                hits.into_iter()
                    .filter(|h| h.record.product.brand.as_deref() == Some(brand.as_str()))
                    .map(|h| h.record.product.title),
            );
        }
    }
    let (mut categories, mut colors) = (Vec::new(), Vec::new());
    if let Some(lang) = lang {
        let lexicon = snapshot.lexicon();
        for (i, concept) in lexicon.concepts().iter().enumerate() {
            let Some(word) = concept.terms(lang).first() else {
                continue;
            };
            match concept.kind {
                ConceptKind::Category if snapshot.category_of_concept(i).is_some() => {
                    categories.push(word.clone());
                }
                ConceptKind::Color => {
                    let store_has = snapshot.colors().iter().any(|c| {
                        concept
                            .terms(Lang::En)
                            .iter()
                            .any(|t| t.eq_ignore_ascii_case(c))
                            || concept.id.eq_ignore_ascii_case(c)
                    });
                    if store_has {
                        colors.push(word.clone());
                    }
                }
                _ => {}
            }
        }
    }
    StoreWords {
        brands,
        titles,
        categories,
        colors,
    }
}

/// Whisper prompts from the snapshot: one per kiosk language and one for
/// a detected language (names only), each at most
/// [`prompt::DEFAULT_MAX_CHARS`] long.
pub fn store_prompts(snapshot: &kiosk_catalog::Snapshot) -> Vec<(Option<Lang>, String)> {
    std::iter::once(None)
        .chain(Lang::ALL.into_iter().map(Some))
        .map(|lang| {
            let words = store_words(snapshot, lang);
            (lang, prompt::build(&words, prompt::DEFAULT_MAX_CHARS))
        })
        .filter(|(_, p)| !p.is_empty())
        .collect()
}

/// The store's names a transcript is read against (`kiosk_speech::names`),
/// and the words it knows, from the snapshot: the names are its brands and
/// the words of its product lines with their brand ("Meridian", "Aviator"),
/// and the whole lines ("Luma Ball"); the known words are
/// its titles' words, category, colour and size names, and the vocabulary's
/// terms in every language, which are never replaced.
pub struct HeardNames {
    names: StoreNames,
    known: std::collections::HashSet<String>,
}

impl HeardNames {
    pub fn from_snapshot(snapshot: &kiosk_catalog::Snapshot) -> HeardNames {
        use kiosk_core::traits::StockLookup;
        let words = store_words(snapshot, None);
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut whole_lines: Vec<String> = Vec::new();
        for title in &words.titles {
            let Some(line) = prompt::line_name(title, &words.brands) else {
                continue;
            };
            whole_lines.push(line.clone());
            let Some(brand) = words
                .brands
                .iter()
                .find(|b| line.to_lowercase().starts_with(&b.to_lowercase()))
            else {
                continue;
            };
            let rest = &line[brand.len().min(line.len())..];
            lines.extend(
                rest.split_whitespace()
                    .map(|w| (brand.clone(), w.to_string())),
            );
        }
        let mut known = std::collections::HashSet::new();
        let mut add = |text: &str| {
            for w in kiosk_core::text::fold(text).split(|c: char| !c.is_alphanumeric()) {
                if !w.is_empty() {
                    known.insert(w.to_string());
                }
            }
        };
        for title in &words.titles {
            add(title);
        }
        for (category, _) in snapshot.categories() {
            add(category);
        }
        for value in snapshot.colors().iter().chain(snapshot.sizes()) {
            add(value);
        }
        for concept in snapshot.lexicon().concepts() {
            for lang in Lang::ALL {
                for term in concept.terms(lang) {
                    add(term);
                }
            }
        }
        HeardNames {
            names: StoreNames::with_lines(words.brands.clone(), lines).and_whole_lines(whole_lines),
            known,
        }
    }

    /// `text` with its spoken sizes and prices in digits (when the
    /// language is known, `kiosk_speech::numbers`) and misheard store
    /// names put back.
    pub fn correct(&self, text: &str, lang: Option<Lang>) -> Corrected {
        let text = match lang {
            Some(lang) => kiosk_speech::numbers::to_digits(text, lang),
            None => text.to_string(),
        };
        self.names.correct(&text, &|w| self.known.contains(w))
    }
}

/// The store's names from the snapshot in `data_dir`.
pub fn heard_names(data_dir: &Path) -> anyhow::Result<HeardNames> {
    let snapshot = kiosk_catalog::Snapshot::open(&kiosk_catalog::DataDir::new(data_dir))?;
    Ok(HeardNames::from_snapshot(&snapshot))
}

/// Sets the store prompts on `engine` from the snapshot in `data_dir`;
/// without a snapshot, Whisper runs without one.
pub fn apply_store_prompts(engine: &WhisperEngine, data_dir: &Path) -> anyhow::Result<usize> {
    let snapshot = kiosk_catalog::Snapshot::open(&kiosk_catalog::DataDir::new(data_dir))?;
    let prompts = store_prompts(&snapshot);
    for (lang, text) in &prompts {
        engine.set_prompt(lang.map(Lang::code), Some(text))?;
    }
    Ok(prompts.len())
}

/// Push-to-talk settings from `[speech]`; nothing is written to disk.
pub fn capture_options(config: &Config) -> CaptureOptions {
    CaptureOptions {
        endpoint: EndpointConfig {
            end_silence_ms: config.speech.end_silence_ms,
            max_ms: (config.speech.max_seconds * 1000.0) as u32,
            no_speech_timeout_ms: config.speech.no_speech_timeout_ms,
            ..EndpointConfig::default()
        },
        debug_wav: None,
        ..CaptureOptions::default()
    }
}
