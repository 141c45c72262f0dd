//! What the shopper is told when something on the kiosk fails, in the
//! shopper's language. The technical cause goes to the log, never to the
//! screen.

use kiosk_core::Lang;

/// A failure the shopper must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// No snapshot could be opened: the kiosk cannot answer.
    CatalogUnavailable,
    /// Reading the snapshot failed during a turn.
    CatalogError,
    /// A back-in-stock request the shopper gave their contact for was not
    /// saved.
    WaitlistNotSaved,
}

impl Notice {
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Notice::CatalogUnavailable, Lang::En) => {
                "The catalog is not available right now. Please ask a member of staff."
            }
            (Notice::CatalogUnavailable, Lang::Nl) => {
                "De catalogus is nu niet beschikbaar. Vraag het aan een medewerker."
            }
            (Notice::CatalogUnavailable, Lang::Id) => {
                "Katalog sedang tidak tersedia. Silakan bertanya kepada staf."
            }
            (Notice::CatalogUnavailable, Lang::Zh) => "目前無法使用商品目錄。請詢問店員。",
            (Notice::CatalogError, Lang::En) => {
                "Sorry, something went wrong reading the catalog. Please try again or ask a member of staff."
            }
            (Notice::CatalogError, Lang::Nl) => {
                "Sorry, er ging iets mis bij het lezen van de catalogus. Probeer het opnieuw of vraag het aan een medewerker."
            }
            (Notice::CatalogError, Lang::Id) => {
                "Maaf, terjadi kesalahan saat membaca katalog. Silakan coba lagi atau bertanya kepada staf."
            }
            (Notice::CatalogError, Lang::Zh) => "抱歉，讀取商品目錄時出錯。請再試一次或詢問店員。",
            (Notice::WaitlistNotSaved, Lang::En) => {
                "Sorry, I could not save your request to be told when it is back in stock. Please ask a member of staff."
            }
            (Notice::WaitlistNotSaved, Lang::Nl) => {
                "Sorry, ik kon je verzoek om bericht bij nieuwe voorraad niet opslaan. Vraag het aan een medewerker."
            }
            (Notice::WaitlistNotSaved, Lang::Id) => {
                "Maaf, permintaan pemberitahuan stok Anda tidak dapat disimpan. Silakan bertanya kepada staf."
            }
            (Notice::WaitlistNotSaved, Lang::Zh) => "抱歉，無法儲存您的到貨通知請求。請詢問店員。",
        }
    }
}
