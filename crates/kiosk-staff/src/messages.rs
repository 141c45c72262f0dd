//! What the kiosk tells the shopper about a staff call, in the shopper's
//! language: called, offline (honestly: ask at the counter), on the way,
//! the handback after "Resolved", and the end-of-session satisfaction
//! question.

use kiosk_core::Lang;

/// The call is saved but the console cannot be reached.
pub fn offline(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "I can't reach the staff right now. Please ask at the counter; staff will be notified as soon as the connection returns."
        }
        Lang::Nl => {
            "Ik kan het personeel nu niet bereiken. Vraag het gerust aan de balie; het personeel krijgt je oproep zodra de verbinding terug is."
        }
        Lang::Id => {
            "Saya tidak bisa menghubungi staf saat ini. Silakan bertanya di kasir; staf akan diberi tahu begitu koneksi kembali."
        }
        Lang::Zh => "目前無法聯絡店員。請到櫃檯詢問；連線恢復後，店員會立即收到通知。",
    }
}

/// The console has the call.
pub fn delivered(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "A staff member has been called and will be with you shortly.",
        Lang::Nl => "Er is een medewerker opgeroepen; die komt zo naar je toe.",
        Lang::Id => "Staf sudah dipanggil dan akan segera datang.",
        Lang::Zh => "已通知店員，馬上就來。",
    }
}

/// A staff member tapped "On my way"; `by` is their name, when given.
pub fn on_the_way(lang: Lang, by: &str) -> String {
    let by = by.trim();
    match (lang, by.is_empty()) {
        (Lang::En, true) => "A staff member is on the way.".into(),
        (Lang::En, false) => format!("{by} is on the way."),
        (Lang::Nl, true) => "Er is een medewerker onderweg.".into(),
        (Lang::Nl, false) => format!("{by} is onderweg."),
        (Lang::Id, true) => "Staf sedang menuju ke sini.".into(),
        (Lang::Id, false) => format!("{by} sedang menuju ke sini."),
        (Lang::Zh, true) => "店員正在趕來。".into(),
        (Lang::Zh, false) => format!("{by} 正在趕來。"),
    }
}

/// The handback: staff resolved the call, the conversation goes on.
pub fn handback(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Thank you! Is there anything else I can help you with?",
        Lang::Nl => "Bedankt! Kan ik je nog ergens anders mee helpen?",
        Lang::Id => "Terima kasih! Ada lagi yang bisa saya bantu?",
        Lang::Zh => "謝謝！還有什麼可以幫您的嗎？",
    }
}

/// The kiosk withdrew the call.
pub fn cancelled(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "The staff call was withdrawn.",
        Lang::Nl => "De oproep aan het personeel is ingetrokken.",
        Lang::Id => "Panggilan staf dibatalkan.",
        Lang::Zh => "已取消呼叫店員。",
    }
}

/// The console refused the call for good (a kiosk misconfiguration).
pub fn failed(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "I couldn't call the staff. Please ask at the counter.",
        Lang::Nl => "Het lukte niet om het personeel op te roepen. Vraag het aan de balie.",
        Lang::Id => "Saya tidak bisa memanggil staf. Silakan bertanya di kasir.",
        Lang::Zh => "無法呼叫店員。請到櫃檯詢問。",
    }
}

/// Asked once at the end of a session; the answer is stored with
/// `LocalStore::record_feedback`.
pub fn csat_question(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Did I help you today?",
        Lang::Nl => "Heb ik je vandaag goed geholpen?",
        Lang::Id => "Apakah saya membantu Anda hari ini?",
        Lang::Zh => "今天我有幫到您嗎？",
    }
}
