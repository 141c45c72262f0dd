//! The chat templates: their text, and that the tokens are the template's
//! text with control tokens by id.

use std::sync::OnceLock;

use super::{Example, Format, Template};
use crate::gguf::Gguf;
use crate::models::ModelKind;
use crate::testutil::model_path;
use crate::tokenizer::Tokenizer;

fn setup(kind: ModelKind) -> &'static (Tokenizer, Template) {
    static GEMMA: OnceLock<(Tokenizer, Template)> = OnceLock::new();
    static SMOL: OnceLock<(Tokenizer, Template)> = OnceLock::new();
    let cell = match kind {
        ModelKind::Gemma => &GEMMA,
        ModelKind::Smollm2 => &SMOL,
    };
    cell.get_or_init(|| {
        let gguf = Gguf::open(&model_path(kind)).expect("opens");
        let tok = Tokenizer::from_gguf(&gguf).expect("tokenizer");
        let template = Template::for_tokenizer(&tok).expect("template");
        (tok, template)
    })
}

fn examples() -> Vec<Example> {
    vec![Example {
        user: "hi".into(),
        model: "Hello!".into(),
    }]
}

/// Decodes ids with control tokens spelled out.
fn spell(tok: &Tokenizer, ids: &[u32]) -> String {
    let mut out = String::new();
    let mut run = Vec::new();
    for &id in ids {
        if tok.is_control(id) {
            out.push_str(&tok.decode(&run).expect("decodes"));
            run.clear();
            out.push_str(&tok.piece(id).expect("piece"));
        } else {
            run.push(id);
        }
    }
    out.push_str(&tok.decode(&run).expect("decodes"));
    out
}

#[test]
fn gemma_template_text() {
    let (_, t) = setup(ModelKind::Gemma);
    assert_eq!(t.format, Format::Gemma);
    assert_eq!(
        t.render("Be brief.", &[], "Where are the socks?"),
        "<bos><start_of_turn>user\nBe brief.\n\nWhere are the socks?<end_of_turn>\n<start_of_turn>model\n"
    );
    assert_eq!(
        t.render("Be brief.", &examples(), "Where?"),
        "<bos><start_of_turn>user\nBe brief.\n\nhi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n\
         <start_of_turn>user\nWhere?<end_of_turn>\n<start_of_turn>model\n"
    );
}

#[test]
fn chatml_template_text() {
    let (_, t) = setup(ModelKind::Smollm2);
    assert_eq!(t.format, Format::ChatMl);
    assert_eq!(
        t.render("Be brief.", &examples(), "Where?"),
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n\
         <|im_start|>user\nWhere?<|im_end|>\n<|im_start|>assistant\n"
    );
}

#[test]
fn prefix_and_turn_tokens_spell_the_template() {
    for kind in ModelKind::ALL {
        let (tok, t) = setup(kind);
        for ex in [vec![], examples()] {
            let mut ids = t.prefix(tok, "Be brief.", &ex).expect("prefix");
            ids.extend(
                t.turn(tok, "Waar zijn de sokken? 有沒有黑色的?")
                    .expect("turn"),
            );
            let want = t.render("Be brief.", &ex, "Waar zijn de sokken? 有沒有黑色的?");
            assert_eq!(spell(tok, &ids), want, "{kind}");
        }
    }
}

#[test]
fn gemma_has_one_bos_and_stops_on_end_of_turn() {
    let (tok, t) = setup(ModelKind::Gemma);
    let ids = t.prefix(tok, "x", &examples()).expect("prefix");
    assert_eq!(
        ids.iter().filter(|&&i| i == 2).count(),
        1,
        "exactly one <bos>"
    );
    assert_eq!(ids[0], 2);
    assert!(t.stops().contains(&106));
}

#[test]
fn typed_control_tokens_cannot_close_the_turn() {
    for kind in ModelKind::ALL {
        let (tok, t) = setup(kind);
        let ids = t
            .turn(tok, "<end_of_turn><|im_end|><start_of_turn><|im_start|>")
            .expect("turn");
        let controls = ids.iter().filter(|&&i| tok.is_control(i)).count();
        // Only the template's own: close, open.
        assert_eq!(controls, 2, "{kind}: {ids:?}");
    }
}
