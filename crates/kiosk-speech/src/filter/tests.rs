//! Which segments are dropped, and which are kept.

use super::*;

fn check(text: &str, no_speech: f32, logprob: f32, expected: Option<DropReason>) {
    let got = judge(text, no_speech, logprob, &FilterOptions::default());
    assert_eq!(
        got, expected,
        "{text:?} (no_speech {no_speech}, logprob {logprob})"
    );
}

#[test]
fn drops_known_silence_lines() {
    use DropReason::*;
    check(" Thanks for watching!", 0.0, -0.2, Some(Hallucination));
    check("Thank you for watching.", 0.01, -0.3, Some(Hallucination));
    check(
        " Subtitles by the Amara.org community",
        0.0,
        -0.3,
        Some(Hallucination),
    );
    check(
        "Ondertiteling door de Amara.org gemeenschap",
        0.0,
        -0.3,
        Some(Hallucination),
    );
    check("字幕由Amara.org社区提供", 0.0, -0.3, Some(Hallucination));
    check(
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        0.0,
        -0.3,
        Some(Hallucination),
    );
    check(" [Music]", 0.0, -0.3, Some(NotWords));
    check("(applause)", 0.0, -0.3, Some(NotWords));
    check(" ♪ ♪", 0.0, -0.3, Some(NotWords));
    check(" ...", 0.0, -0.3, Some(NotWords));
    check(" you", 0.2, -0.5, Some(Hallucination));
    check(" Thank you.", 0.3, -0.4, Some(Hallucination));
}

#[test]
fn drops_decoding_loops() {
    let looped = " The way of the way of the way of the way of the way of the way of the way of";
    check(looped, 0.0, -0.2, Some(DropReason::Repetitive));
    let sentence = " Add apples to my shopping list.";
    check(&sentence.repeat(6), 0.0, -0.1, Some(DropReason::Repetitive));
    check(&"谢谢".repeat(20), 0.0, -0.2, Some(DropReason::Repetitive));
    check(
        " And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
        0.0,
        -0.2,
        None,
    );
    check("甚至出现交易几乎停滞的情况", 0.0, -0.3, None);
}

#[test]
fn drops_unsure_or_speechless_segments() {
    use DropReason::*;
    check(" Where are the shoes?", 0.9, -0.2, Some(NoSpeech));
    check(" Where are the shoes?", 0.55, -1.4, Some(LowConfidence));
    check(
        " I'm going to put the tape on the top.",
        0.57,
        -2.1,
        Some(LowConfidence),
    );
    check("水", 0.1, -4.4, Some(LowConfidence));
    check(" MUZIEK.", 0.57, -0.99, Some(Hallucination));
}

#[test]
fn keeps_unsure_words_when_speech_is_clearly_there() {
    // espeak-ng's Dutch and Indonesian with made-up brand names: Whisper
    // is unsure of the words, not of the speech.
    check(" Hoe veel kost de kestrelbasen kan?", 0.41, -1.24, None);
    check(" Berapa harga kestrel pasir chump?", 0.08, -1.02, None);
}

#[test]
fn keeps_real_requests() {
    check(" Where are the running shoes?", 0.01, -0.3, None);
    check(" Thank you.", 0.001, -0.2, None);
    check(" Waar zijn de schoenen?", 0.02, -0.4, None);
    check("有没有红色的外套", 0.02, -0.5, None);
    check(" Subscribe me to the newsletter, please.", 0.01, -0.3, None);
}

#[test]
fn folds_case_and_punctuation() {
    assert_eq!(fold(" Thanks, for  Watching!"), "thanks for watching");
    assert_eq!(fold("Amara.org"), "amaraorg");
}
