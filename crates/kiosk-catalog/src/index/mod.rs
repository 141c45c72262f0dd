//! The Tantivy index over the catalog: one document per product, with the
//! text a shopper searches and terms for each size/colour that is in stock,
//! so filters are single term lookups.

pub mod analyzer;
mod build;
mod search;
mod spell;
mod vocab;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

pub use build::build;
pub use search::{Alt, Group, IndexSearcher, QueryPlan};
pub use vocab::StoreVocabulary;

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub rowid: Field,
    pub title: Field,
    pub brand: Field,
    pub category: Field,
    pub tags: Field,
    pub colors: Field,
    pub description: Field,
    /// Title, brand, category, tags, colours and description together, so
    /// a word's score is weighed against the whole product's length, as a
    /// shopper reads the product. `None` in an index built before the field
    /// existed: such a snapshot still opens and is searched without it until
    /// the next import or sync rebuilds it.
    pub all_text: Option<Field>,
    /// The parts of the short fields' words that have parts (`DCD771C2` →
    /// `dcd`, `771`, `c`, `2`; `T-Shirt` → `tshirt`, `t`, `shirt`), which
    /// those fields hold whole only, so their lengths count words as a
    /// shopper reads them. `None` in an index built before the field
    /// existed, whose short fields hold the parts themselves.
    pub parts: Option<Field>,
    /// Unstemmed words of title, brand, category, tags and colours: the
    /// dictionary for typo and prefix matching.
    pub words: Field,
    /// Unstemmed words of the title alone, so type-ahead prefers titles.
    pub title_words: Field,
    pub category_key: Field,
    pub brand_key: Field,
    /// `s:<size>`, `c:<colour>`, `sc:<size>|<colour>` for every variant.
    pub opt: Field,
    /// The same, for variants in stock, plus `any` when one is.
    pub opt_in: Field,
    pub price: Field,
    pub in_stock: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                }),
        )
    };
    let fields = Fields {
        rowid: b.add_u64_field("rowid", FAST | STORED),
        title: b.add_text_field("title", text(analyzer::STEMMED_WHOLE, true)),
        brand: b.add_text_field("brand", text(analyzer::STEMMED_WHOLE, true)),
        category: b.add_text_field("category", text(analyzer::STEMMED_WHOLE, true)),
        tags: b.add_text_field("tags", text(analyzer::STEMMED_WHOLE, true)),
        colors: b.add_text_field("colors", text(analyzer::STEMMED_WHOLE, true)),
        description: b.add_text_field("description", text(analyzer::STEMMED, true)),
        all_text: Some(b.add_text_field("all_text", text(analyzer::STEMMED, true))),
        parts: Some(b.add_text_field("parts", text(analyzer::STEMMED_PARTS, true))),
        words: b.add_text_field("words", text(analyzer::PLAIN, false)),
        title_words: b.add_text_field("title_words", text(analyzer::PLAIN, false)),
        category_key: b.add_text_field("category_key", STRING),
        brand_key: b.add_text_field("brand_key", STRING),
        opt: b.add_text_field("opt", STRING),
        opt_in: b.add_text_field("opt_in", STRING),
        price: b.add_u64_field("price", INDEXED | FAST),
        in_stock: b.add_u64_field("in_stock", FAST),
    };
    (b.build(), fields)
}

impl Fields {
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            rowid: f("rowid")?,
            title: f("title")?,
            brand: f("brand")?,
            category: f("category")?,
            tags: f("tags")?,
            colors: f("colors")?,
            description: f("description")?,
            all_text: f("all_text").ok(),
            parts: f("parts").ok(),
            words: f("words")?,
            title_words: f("title_words")?,
            category_key: f("category_key")?,
            brand_key: f("brand_key")?,
            opt: f("opt")?,
            opt_in: f("opt_in")?,
            price: f("price")?,
            in_stock: f("in_stock")?,
        })
    }
}

pub use kiosk_core::text::option_key;

pub fn size_term(size: &str) -> String {
    format!("s:{}", option_key(size))
}

pub fn color_term(color: &str) -> String {
    format!("c:{}", option_key(color))
}

pub fn size_color_term(size: &str, color: &str) -> String {
    format!("sc:{}|{}", option_key(size), option_key(color))
}

#[cfg(test)]
mod tests;
